package io.github.o365auditcamel.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The Microsoft 365 clouds: where to get a token and where the Management Activity API lives.
 * The API host is also the token's resource, so the scope is {@code <apiUrl>/.default} in every cloud.
 */
public enum Cloud {
    ENTERPRISE("enterprise", "https://login.microsoftonline.com", "https://manage.office.com"),
    GCC("gcc", "https://login.microsoftonline.com", "https://manage-gcc.office.com"),
    GCC_HIGH("gcc-high", "https://login.microsoftonline.us", "https://manage.office365.us"),
    DOD("dod", "https://login.microsoftonline.us", "https://manage.protection.apps.mil");

    private final String settingValue;
    private final String loginUrl;
    private final String apiUrl;

    Cloud(String settingValue, String loginUrl, String apiUrl) {
        this.settingValue = settingValue;
        this.loginUrl = loginUrl;
        this.apiUrl = apiUrl;
    }

    /** Its value of {@code o365.cloud}: {@code gcc-high}. */
    public String settingValue() {
        return settingValue;
    }

    public String loginUrl() {
        return loginUrl;
    }

    public String apiUrl() {
        return apiUrl;
    }

    /** The client-credentials scope: the cloud's Management API resource, whatever URL overrides are in place. */
    public String tokenScope() {
        return apiUrl + "/.default";
    }

    public static Cloud fromSetting(String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(c -> c.settingValue.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("'" + value + "' is not one of " + names()));
    }

    public static String names() {
        return Arrays.stream(values()).map(c -> c.settingValue).collect(Collectors.joining(", "));
    }
}
