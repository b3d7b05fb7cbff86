// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over SQLite, or over
// PostgreSQL with -postgresql-url) for development and tests on machines where no mongod binary
// can be had.
//
// The released ferretdb binary built with `go install` panics at start (its version file is
// missing from the module), so the project embeds the library package instead.
//
// Protocol with the launcher (src/infra/database/ferretdb.ts):
//   - `-listen 127.0.0.1:0` lets the kernel pick a free port; once the socket is bound the
//     process prints one line `FERRETDB_LISTENING <host:port>` on stdout.
//   - with `-exit-on-stdin-eof` the process exits as soon as its stdin reaches EOF, i.e. when the
//     parent that holds the other end of the pipe dies for any reason (even SIGKILL), so no
//     orphan server outlives a killed test run.
//   - SIGINT/SIGTERM stop it cleanly.
//   - `-postgresql-url postgres://user@host:port/DB` stores the documents in PostgreSQL database DB
//     instead of SQLite files. With `-postgresql-create` DB is created if missing (through the
//     server's `postgres` database); with `-postgresql-drop-at-exit` it is dropped when the server
//     stops (a temporary database), also after stdin EOF or SIGTERM. Databases named
//     `<base>_tmp_<pid>_<suffix>` whose process <pid> is gone (a parent killed before it could stop
//     this server with a signal) are dropped at start by a server creating one of the same <base>.
//   - `-postgresql-url URL -list-databases` prints the server's database names, one a line, and exits;
//     `-postgresql-url URL -drop-database` drops URL's database (e.g. a kept one) and exits.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
	"github.com/jackc/pgx/v5"
)

// fillVersion reports the FerretDB module version (e.g. v1.24.2) in buildInfo's ferretdbVersion
// instead of "unknown": the embedded build carries no version file, but the Go build info knows
// which module version was linked.
func fillVersion() {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	for _, dep := range bi.Deps {
		if dep.Path == "github.com/FerretDB/FerretDB" && dep.Version != "" {
			version.Get().Version = dep.Version
			return
		}
	}
}

// stderr reports this program's own errors: after slog.SetDefault the log package's default
// logger writes through slog, at a level the -log-level flag may hide.
var stderr = log.New(os.Stderr, "ferretdb: ", 0)

// redact hides a password in a PostgreSQL URL.
func redact(u *url.URL) string {
	return u.Redacted()
}

// maintenanceURL is the same server's `postgres` database, where databases are created and dropped.
func maintenanceURL(u *url.URL) string {
	m := *u
	m.Path = "/postgres"
	return m.String()
}

func pgConnect(ctx context.Context, connURL string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return pgx.Connect(ctx, connURL)
}

// connectMaintenance connects to the server's maintenance database; its error is one line
// (pgx lists every address tried on lines of their own) that the launcher recognises.
func connectMaintenance(ctx context.Context, u *url.URL) (*pgx.Conn, error) {
	conn, err := pgConnect(ctx, maintenanceURL(u))
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s is unreachable: %s", redact(u), strings.Join(strings.Fields(err.Error()), " "))
	}
	return conn, nil
}

// databaseNames lists the server's databases matching the SQL condition on datname.
func databaseNames(ctx context.Context, conn *pgx.Conn, where string, args ...any) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database WHERE `+where+` ORDER BY datname`, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// tmpName matches the temporary databases the launcher names `<base>_tmp_<pid>_<suffix>`.
var tmpName = regexp.MustCompile(`^(.+)_tmp_(\d+)_[a-z0-9]+$`)

func pidAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// preparePostgreSQL checks that the server answers and creates the database if asked; it also drops
// temporary databases of the same base left by processes that are gone.
func preparePostgreSQL(ctx context.Context, u *url.URL, dbName string, create bool) error {
	conn, err := connectMaintenance(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())

	if m := tmpName.FindStringSubmatch(dbName); m != nil {
		names, err := databaseNames(ctx, conn, `datname LIKE $1`, m[1]+"_tmp_%")
		if err != nil {
			return err
		}
		for _, name := range names {
			n := tmpName.FindStringSubmatch(name)
			if n == nil || n[1] != m[1] || name == dbName {
				continue
			}
			if pid, _ := strconv.Atoi(n[2]); pid > 0 && !pidAlive(pid) {
				// Without FORCE: a database still in use is left alone.
				if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()); err == nil {
					stderr.Printf("dropped %s, a temporary database left by process %d (gone)", name, pid)
				}
			}
		}
	}

	if !create {
		return nil
	}
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbName).Scan(&exists); err != nil {
		return err
	}
	if exists {
		return nil
	}
	if _, err := conn.Exec(ctx, `CREATE DATABASE `+pgx.Identifier{dbName}.Sanitize()); err != nil {
		var again bool
		// Another server may have created it at the same moment.
		if qerr := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbName).Scan(&again); qerr == nil && again {
			return nil
		}
		return fmt.Errorf("cannot create PostgreSQL database %q at %s: %w", dbName, redact(u), err)
	}
	return nil
}

// dropPostgreSQL drops the database, closing its connections (WITH (FORCE), PostgreSQL >= 13).
func dropPostgreSQL(u *url.URL, dbName string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := connectMaintenance(ctx, u)
	if err != nil {
		return fmt.Errorf("cannot drop PostgreSQL database %q: %w", dbName, err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{dbName}.Sanitize()+` WITH (FORCE)`); err != nil {
		return fmt.Errorf("cannot drop PostgreSQL database %q: %w", dbName, err)
	}
	return nil
}

// dropTemporary drops a -postgresql-drop-at-exit database, reporting a failure.
func dropTemporary(u *url.URL, dbName string) {
	if err := dropPostgreSQL(u, dbName); err != nil {
		stderr.Print(err)
	}
}

func listDatabases(u *url.URL) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := connectMaintenance(ctx, u)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	names, err := databaseNames(ctx, conn, `NOT datistemplate`)
	if err != nil {
		return err
	}
	for _, name := range names {
		fmt.Println(name)
	}
	return nil
}

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (port 0: pick a free port)")
	dir := flag.String("dir", "", "directory for SQLite files (created if missing); not used with -postgresql-url")
	postgresqlURL := flag.String("postgresql-url", "", "store documents in this PostgreSQL database (postgres://user@host:port/db) instead of SQLite")
	postgresqlCreate := flag.Bool("postgresql-create", false, "create the -postgresql-url database if it does not exist")
	postgresqlDrop := flag.Bool("postgresql-drop-at-exit", false, "drop the -postgresql-url database when the server stops")
	listDBs := flag.Bool("list-databases", false, "print the databases of the -postgresql-url server and exit")
	dropDB := flag.Bool("drop-database", false, "drop the -postgresql-url database and exit")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn, error")
	exitOnStdinEOF := flag.Bool("exit-on-stdin-eof", false, "exit when stdin is closed (parent died)")
	flag.Parse()

	var pgURL *url.URL
	var pgDB string
	if *postgresqlURL != "" {
		u, err := url.Parse(*postgresqlURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			stderr.Fatalf("-postgresql-url must be a postgres:// URL")
		}
		pgURL = u
		pgDB = strings.TrimPrefix(u.Path, "/")
		if *listDBs {
			if err := listDatabases(u); err != nil {
				stderr.Fatal(err)
			}
			return
		}
		if pgDB == "" {
			stderr.Fatal("-postgresql-url must name a database: postgres://user@host:port/DB")
		}
		if *dropDB {
			if err := dropPostgreSQL(u, pgDB); err != nil {
				stderr.Fatal(err)
			}
			return
		}
	} else if *listDBs || *dropDB || *postgresqlCreate || *postgresqlDrop {
		stderr.Fatal("-list-databases, -drop-database, -postgresql-create and -postgresql-drop-at-exit need -postgresql-url")
	}

	var abs string
	if pgURL == nil {
		if *dir == "" {
			stderr.Fatal("-dir is required")
		}
		var err error
		if abs, err = filepath.Abs(*dir); err != nil {
			stderr.Fatal(err)
		}
		if err := os.MkdirAll(abs, 0o755); err != nil {
			stderr.Fatal(err)
		}
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(*logLevel))); err != nil {
		stderr.Fatalf("bad -log-level %q: %v", *logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	// Once the parent is gone nobody reads stdout/stderr: without this, the first log line after
	// that would kill the process with SIGPIPE before it stops cleanly (and drops a temporary
	// PostgreSQL database).
	signal.Ignore(syscall.SIGPIPE)

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()

	if *exitOnStdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}

	fillVersion()

	config := &ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	}
	// exit stops with status 1 after dropping a temporary PostgreSQL database.
	exit := func(err error) {
		stderr.Print(err)
		if pgURL != nil && *postgresqlDrop {
			dropTemporary(pgURL, pgDB)
		}
		os.Exit(1)
	}
	if pgURL != nil {
		if err := preparePostgreSQL(ctx, pgURL, pgDB, *postgresqlCreate); err != nil {
			stderr.Fatal(err)
		}
		config.Handler = "postgresql"
		config.PostgreSQLURL = pgURL.String()
		config.SQLiteURL = ""
	}

	// New binds the listeners, so the address is known (and connectable) once it returns.
	f, err := ferretdb.New(config)
	if err != nil {
		exit(err)
	}

	addr := strings.TrimSuffix(strings.TrimPrefix(f.MongoDBURI(), "mongodb://"), "/")
	fmt.Printf("FERRETDB_LISTENING %s\n", addr)

	// Do not hang forever on shutdown if a client keeps a connection open.
	go func() {
		<-ctx.Done()
		time.Sleep(5 * time.Second)
		stderr.Print("connections did not close within 5s after shutdown request; exiting")
		if pgURL != nil && *postgresqlDrop {
			dropTemporary(pgURL, pgDB)
		}
		os.Exit(0)
	}()

	_ = f.Run(ctx)
	if pgURL != nil && *postgresqlDrop {
		dropTemporary(pgURL, pgDB)
	}
}
