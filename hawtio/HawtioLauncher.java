/**
 * Starts the embedded Hawtio 3.0.0 console with the given command line ({@code --war}, {@code --port}, {@code --host},
 * {@code --plugins-dir}, ...; {@code --help} lists them).
 *
 * <p>{@code io.hawt.embedded.Main.main} of 3.0.0 ignores its arguments, while {@code Main.run(String...)} parses them:
 * this class only forwards to the latter. {@code bin/hawtio} runs it with Java's single-file source launcher on a
 * class path of its own (Hawtio's Jetty 10 and slf4j-simple), never on the collector's.
 */
public final class HawtioLauncher {

    private HawtioLauncher() {
    }

    public static void main(String[] args) {
        io.hawt.embedded.Main.run(args);
    }
}
