package main

import (
	"encoding/binary"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// FerretDB 1.x applies update/findAndModify as "query, then write" in Go with
// no lock, so two concurrent conditional updates can both pass their filter
// ({remaining: {$gte: n}}) — unlike MongoDB, where a single-document update
// is atomic. The product relies on that atomicity (quotas, reservations).
// serializer sits in front of FerretDB and lets one command run at a time
// across all connections, which restores per-document atomicity (and more)
// for development and tests. It frames MongoDB wire messages by their
// length header and never looks inside them beyond the OP_MSG flag bits.

const (
	opMsg          = 2013
	flagMoreToCome = 1 << 1
	replyTimeout   = 60 * time.Second
	maxMessageSize = 48 * 1000 * 1000
)

type serializer struct {
	backend string // unix socket of the embedded FerretDB
	mu      sync.Mutex
	logger  *slog.Logger
}

func (s *serializer) serve(l net.Listener) error {
	for {
		client, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go s.handle(client)
	}
}

func (s *serializer) handle(client net.Conn) {
	defer client.Close()
	backend, err := net.Dial("unix", s.backend)
	if err != nil {
		s.logger.Error("dial ferretdb", "err", err)
		return
	}
	defer backend.Close()

	replies := make(chan struct{}, 16)
	go func() {
		// Backend → client: forward every message and announce it.
		defer client.Close()
		for {
			msg, err := readMessage(backend)
			if err != nil {
				return
			}
			if _, err := client.Write(msg); err != nil {
				return
			}
			select {
			case replies <- struct{}{}:
			default:
			}
		}
	}()

	for {
		msg, err := readMessage(client)
		if err != nil {
			return
		}
		expectsReply := !(opCode(msg) == opMsg && len(msg) >= 20 && binary.LittleEndian.Uint32(msg[16:20])&flagMoreToCome != 0)
		s.mu.Lock()
		// Drop stale signals (e.g. from exhaust replies) before this round trip.
		for len(replies) > 0 {
			<-replies
		}
		_, err = backend.Write(msg)
		if err == nil && expectsReply {
			select {
			case <-replies:
			case <-time.After(replyTimeout):
			}
		}
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

func opCode(msg []byte) uint32 {
	return binary.LittleEndian.Uint32(msg[12:16])
}

func readMessage(r io.Reader) ([]byte, error) {
	var header [16]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	size := int(binary.LittleEndian.Uint32(header[0:4]))
	if size < 16 || size > maxMessageSize {
		return nil, errors.New("bad message length")
	}
	msg := make([]byte, size)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[16:]); err != nil {
		return nil, err
	}
	return msg, nil
}
