// Command ferretdb runs an embedded FerretDB (MongoDB wire protocol over SQLite) for
// development and tests on machines where no mongod binary can be had.
//
// The released ferretdb binary built with `go install` panics at start (its version file is
// missing from the module), so the project embeds the library package instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dir := flag.String("dir", "", "directory for SQLite files (created if missing)")
	logLevel := flag.String("log-level", "error", "FerretDB log level")
	flag.Parse()

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

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/",
		Logger:    nil,
	})
	if err != nil {
		log.Fatal(err)
	}
	_ = logLevel

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	go func() {
		<-ctx.Done()
	}()
	fmt.Printf("ferretdb listening on %s, data in %s\n", *listen, abs)
	f.Run(ctx)
}
