package io.github.o365auditcamel.progress;

/**
 * Text from the wire (a contentId, a reason quoting an answer) made safe for a log line: line breaks and other control
 * characters escaped, so that a listing cannot forge log lines, and the length bounded.
 */
public final class LogText {

    private static final int MAX_LENGTH = 300;

    private LogText() {
    }

    public static String safe(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 8);
        for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.length() >= MAX_LENGTH && out.length() < text.length() ? out + "…" : out.toString();
    }
}
