// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over SQLite) for
// development and tests on machines where no mongod binary can be had.
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
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
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

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on (port 0: pick a free port)")
	dir := flag.String("dir", "", "directory for SQLite files (created if missing)")
	logLevel := flag.String("log-level", "error", "log level: debug, info, warn, error")
	exitOnStdinEOF := flag.Bool("exit-on-stdin-eof", false, "exit when stdin is closed (parent died)")
	flag.Parse()

	log.SetFlags(0)
	log.SetPrefix("ferretdb: ")

	if *dir == "" {
		log.Fatal("-dir is required")
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		log.Fatal(err)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(*logLevel))); err != nil {
		log.Fatalf("bad -log-level %q: %v", *logLevel, err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer cancel()

	if *exitOnStdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			cancel()
		}()
	}

	fillVersion()

	// New binds the listeners, so the address is known (and connectable) once it returns.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    logger,
	})
	if err != nil {
		log.Fatal(err)
	}

	addr := strings.TrimSuffix(strings.TrimPrefix(f.MongoDBURI(), "mongodb://"), "/")
	fmt.Printf("FERRETDB_LISTENING %s\n", addr)

	// Do not hang forever on shutdown if a client keeps a connection open.
	go func() {
		<-ctx.Done()
		time.Sleep(5 * time.Second)
		log.Print("connections did not close within 5s after shutdown request; exiting")
		os.Exit(0)
	}()

	_ = f.Run(ctx)
}
