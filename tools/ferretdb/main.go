// Command ferretdb runs FerretDB (MongoDB wire protocol over SQLite) for local
// development and tests, so no MongoDB server needs to be installed.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data-dir", "./.data/mongo", "directory for the SQLite databases")
	parentPID := flag.Int("parent-pid", 0, "exit when this process is gone (no orphans if the launcher is killed)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if err := os.MkdirAll(*dataDir, 0o755); err != nil {
		fail(err)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// FerretDB itself listens on a private socket; clients reach it through
	// the serializer (see serializer.go for why).
	socket := filepath.Join(*dataDir, "ferretdb.sock")
	if len(socket) > 100 { // sun_path limit
		socket = filepath.Join(os.TempDir(), fmt.Sprintf("ferretdb-%d.sock", os.Getpid()))
	}
	_ = os.Remove(socket)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dataDir + "/",
	})
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *parentPID > 0 {
		go watchParent(ctx, *parentPID, stop)
	}

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()

	if err := waitForSocket(socket, 30*time.Second); err != nil {
		fail(err)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		fail(err)
	}
	go func() {
		<-ctx.Done()
		l.Close()
	}()
	s := &serializer{backend: socket, logger: logger}
	go func() {
		if err := s.serve(l); err != nil {
			logger.Error("serve", "err", err)
			stop()
		}
	}()
	fmt.Printf("ferretdb ready mongodb://%s/\n", l.Addr().String())

	if err := <-done; err != nil && ctx.Err() == nil {
		fail(err)
	}
}

// watchParent stops the server once the launching process has died, which
// the kernel tells us by re-parenting this process.
func watchParent(ctx context.Context, pid int, stop context.CancelFunc) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			if os.Getppid() != pid {
				stop()
				return
			}
		}
	}
}

func waitForSocket(path string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.Dial("unix", path)
		if err == nil {
			c.Close()
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("ferretdb did not open %s: %w", path, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "ferretdb:", err)
	os.Exit(1)
}
