package io.duratask.postgres;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Settings of a {@link PostgresProvider}. Build with {@link #builder(String)}; {@code build()} validates
 * every value and names the one that is wrong.
 *
 * <p>Essential:
 * <ul>
 *   <li>{@code jdbcUrl} — {@code jdbc:postgresql://host:port/database}. Required.</li>
 *   <li>{@code username}, {@code password} — the login. Default: none (the driver's defaults, or
 *       {@code user}/{@code password} in the URL).</li>
 *   <li>{@code schema} — the PostgreSQL schema that holds this task hub's tables, created on start.
 *       Several task hubs share one database by using different schemas. Must match
 *       {@code ^[a-z_][a-z0-9_]{0,62}$}. Default {@value #DEFAULT_SCHEMA}.</li>
 * </ul>
 * Frequent:
 * <ul>
 *   <li>{@code maxPoolSize} — connections for fetches, completions, lock renewals and reads. Default
 *       {@value #DEFAULT_MAX_POOL_SIZE}. The provider opens at most {@code maxPoolSize + commitConnections + 1}
 *       connections (the last one listens for notifications).</li>
 *   <li>{@code notifications} — send and receive {@code NOTIFY} wake-ups, so that another worker picks up
 *       new work in milliseconds instead of at its next idle poll. Default true.</li>
 * </ul>
 * Rare:
 * <ul>
 *   <li>{@code commitConnections} — group-commit transactions that may run at once. Default
 *       {@value #DEFAULT_COMMIT_CONNECTIONS}.</li>
 *   <li>{@code maxBatchSize} — at most this many turn commits and client writes share one transaction (and
 *       at most this many activity completions, orchestration fetches or instance lookups one statement).
 *       Default {@value #DEFAULT_MAX_BATCH_SIZE}.</li>
 *   <li>{@code connectTimeout} — how long opening a connection may take (also how long an operation waits
 *       for a free pooled connection). Default 10 s.</li>
 *   <li>{@code syncActivityCompletions} — whether an activity completion waits for its own WAL flush.
 *       Default false: it commits with {@code synchronous_commit = off}, like fetches and lock renewals;
 *       the turn that consumes it commits synchronously and flushes the WAL up to and past it. A database
 *       crash may lose the last completions, and those activities run again (at least once).</li>
 *   <li>{@code notifyInterval} — under load, at most one wake-up notification per this interval and
 *       provider. Default 5 ms.</li>
 *   <li>{@code applicationName} — {@code application_name} of the connections (shown in
 *       {@code pg_stat_activity}). Default {@value #DEFAULT_APPLICATION_NAME}.</li>
 *   <li>{@code clock} — the source of "now" for leases, visibility and timestamps. Default
 *       {@link Clock#systemUTC()}. Workers on several machines compare each other's lease times, so their
 *       clocks must agree (NTP); a skew of {@code s} lengthens or shortens leases by {@code s}.</li>
 * </ul>
 */
public record PostgresOptions(String jdbcUrl, String username, String password, String schema, int maxPoolSize,
                              int commitConnections, int maxBatchSize, Duration connectTimeout, boolean notifications,
                              Duration notifyInterval, boolean syncActivityCompletions, String applicationName,
                              Clock clock) {

    public static final String DEFAULT_SCHEMA = "duratask";
    public static final int DEFAULT_MAX_POOL_SIZE = 10;
    public static final int DEFAULT_COMMIT_CONNECTIONS = 2;
    public static final int DEFAULT_MAX_BATCH_SIZE = 100;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_NOTIFY_INTERVAL = Duration.ofMillis(5);
    public static final String DEFAULT_APPLICATION_NAME = "duratask";

    private static final Pattern SCHEMA_NAME = Pattern.compile("^[a-z_][a-z0-9_]{0,62}$");

    public PostgresOptions {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (parseUrl(jdbcUrl) == null) {
            throw new IllegalArgumentException("jdbcUrl must look like jdbc:postgresql://host:port/database, was '"
                    + redact(jdbcUrl) + "'");
        }
        Objects.requireNonNull(schema, "schema");
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema must match " + SCHEMA_NAME.pattern()
                    + " (lower-case letters, digits and underscores, at most 63, not starting with a digit), was '"
                    + schema + "'");
        }
        if (schema.startsWith("pg_")) {
            throw new IllegalArgumentException("schema must not start with 'pg_' (reserved by PostgreSQL), was '"
                    + schema + "'");
        }
        range("maxPoolSize", maxPoolSize, 1, 1000);
        range("commitConnections", commitConnections, 1, 64);
        range("maxBatchSize", maxBatchSize, 1, 10_000);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        if (connectTimeout.toMillis() < 250 || connectTimeout.toSeconds() > 3600) {
            throw new IllegalArgumentException("connectTimeout must be between 250 ms and 1 hour, was " + connectTimeout);
        }
        Objects.requireNonNull(notifyInterval, "notifyInterval");
        if (notifyInterval.isNegative() || notifyInterval.toSeconds() > 10) {
            throw new IllegalArgumentException("notifyInterval must be between 0 and 10 s, was " + notifyInterval);
        }
        Objects.requireNonNull(applicationName, "applicationName");
        if (applicationName.length() > 48) {
            throw new IllegalArgumentException("applicationName must be at most 48 characters, was '" + applicationName + "'");
        }
        Objects.requireNonNull(clock, "clock");
    }

    /** A builder for the database at {@code jdbcUrl} ({@code jdbc:postgresql://host:port/database}). */
    public static Builder builder(String jdbcUrl) {
        return new Builder(jdbcUrl);
    }

    /** A builder starting from these options. */
    public Builder toBuilder() {
        return new Builder(jdbcUrl).username(username).password(password).schema(schema).maxPoolSize(maxPoolSize)
                .commitConnections(commitConnections).maxBatchSize(maxBatchSize).connectTimeout(connectTimeout)
                .notifications(notifications).notifyInterval(notifyInterval)
                .syncActivityCompletions(syncActivityCompletions).applicationName(applicationName).clock(clock);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "PostgresOptions[" + describeTarget() + ", schema=" + schema + ", maxPoolSize=" + maxPoolSize
                + ", commitConnections=" + commitConnections + ", maxBatchSize=" + maxBatchSize + ", connectTimeout="
                + connectTimeout + ", notifications=" + notifications + ", syncActivityCompletions="
                + syncActivityCompletions + "]";
    }

    /** {@code host:port/database as user 'name'}, for error messages (never the password). */
    String describeTarget() {
        Properties p = parseUrl(jdbcUrl);
        String host = p.getProperty("PGHOST", "localhost");
        String port = p.getProperty("PGPORT", "5432");
        String db = p.getProperty("PGDBNAME", "");
        String user = username != null ? username : p.getProperty("user", System.getProperty("user.name"));
        return host + ":" + port + "/" + db + " as user '" + user + "'";
    }

    /** The driver's reading of the URL (host, port, database, parameters), or null if it is not a PostgreSQL URL. */
    static Properties parseUrl(String url) {
        return org.postgresql.Driver.parseURL(url, new Properties());
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1***");
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
        }
    }

    /** Builder of {@link PostgresOptions}; every setter's default is documented on {@link PostgresOptions}. */
    public static final class Builder {
        private final String jdbcUrl;
        private String username;
        private String password;
        private String schema = DEFAULT_SCHEMA;
        private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
        private int commitConnections = DEFAULT_COMMIT_CONNECTIONS;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private boolean notifications = true;
        private Duration notifyInterval = DEFAULT_NOTIFY_INTERVAL;
        private boolean syncActivityCompletions;
        private String applicationName = DEFAULT_APPLICATION_NAME;
        private Clock clock = Clock.systemUTC();

        private Builder(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        public Builder username(String value) {
            this.username = value;
            return this;
        }

        public Builder password(String value) {
            this.password = value;
            return this;
        }

        public Builder schema(String value) {
            this.schema = value;
            return this;
        }

        public Builder maxPoolSize(int value) {
            this.maxPoolSize = value;
            return this;
        }

        public Builder commitConnections(int value) {
            this.commitConnections = value;
            return this;
        }

        public Builder maxBatchSize(int value) {
            this.maxBatchSize = value;
            return this;
        }

        public Builder connectTimeout(Duration value) {
            this.connectTimeout = value;
            return this;
        }

        public Builder notifications(boolean value) {
            this.notifications = value;
            return this;
        }

        public Builder notifyInterval(Duration value) {
            this.notifyInterval = value;
            return this;
        }

        public Builder syncActivityCompletions(boolean value) {
            this.syncActivityCompletions = value;
            return this;
        }

        public Builder applicationName(String value) {
            this.applicationName = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Validates and returns the options; throws {@link IllegalArgumentException} naming a bad value. */
        public PostgresOptions build() {
            return new PostgresOptions(jdbcUrl, username, password, schema, maxPoolSize, commitConnections, maxBatchSize,
                    connectTimeout, notifications, notifyInterval, syncActivityCompletions, applicationName, clock);
        }
    }
}
