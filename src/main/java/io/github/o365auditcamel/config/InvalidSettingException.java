package io.github.o365auditcamel.config;

/** A setting is missing or malformed. The message is one line that names the environment variable. */
public class InvalidSettingException extends RuntimeException {

    private final String variable;

    public InvalidSettingException(String variable, String problem) {
        super(variable + " " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
