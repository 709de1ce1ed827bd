package io.github.o365auditcamel.check;

import java.util.List;

/**
 * One line of the setup check's table: what was checked, whether it passed, and in one line what was found or what
 * to do about it. Never a secret.
 */
public record CheckLine(String name, boolean ok, String detail) {

    public static CheckLine ok(String name, String detail) {
        return new CheckLine(name, true, detail);
    }

    public static CheckLine fail(String name, String detail) {
        return new CheckLine(name, false, detail);
    }

    /** The table: one line per check, the names in a column, then OK or FAIL, then the detail. */
    public static String table(List<CheckLine> lines) {
        int width = lines.stream().mapToInt(l -> l.name().length()).max().orElse(5);
        width = Math.max(width, "CHECK".length());
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-" + width + "s  %-4s  %s%n", "CHECK", "", "DETAIL"));
        for (CheckLine line : lines) {
            out.append(String.format("%-" + width + "s  %-4s  %s%n", line.name(), line.ok() ? "OK" : "FAIL",
                    line.detail().replaceAll("\\s+", " ").strip()));
        }
        return out.toString();
    }
}
