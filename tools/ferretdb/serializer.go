package main

import (
	"bytes"
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
// serializer sits in front of FerretDB and restores it for development and
// tests with a readers-writer lock across all connections: a command that
// may write runs alone; commands known to only read run side by side (they
// cannot break a write's atomicity, since no write runs while they do).
//
// Only reads share the lock, and only those on a fixed list: anything else
// (update, findAndModify, delete, insert — whose unique-index check is also
// query-then-write —, index and collection changes, commands this list does
// not know, legacy opcodes) stays exclusive, so a new command can never
// weaken the guarantee, only lose concurrency. The serializer frames wire
// messages by their length header and reads no more of them than the OP_MSG
// flag bits, the command name (the first key of the body document) and, for
// an aggregate, whether it has a $out or $merge stage.

const (
	opMsg               = 2013
	flagMoreToCome      = 1 << 1
	flagChecksumPresent = 1 << 0
	replyTimeout        = 60 * time.Second
	maxMessageSize      = 48 * 1000 * 1000
)

type serializer struct {
	backend string // unix socket of the embedded FerretDB
	mu      sync.RWMutex
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
		lock, unlock := s.mu.Lock, s.mu.Unlock
		if readOnly(msg) {
			lock, unlock = s.mu.RLock, s.mu.RUnlock
		}
		lock()
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
		unlock()
		if err != nil {
			return
		}
	}
}

// readCommands only read; aggregate is among them unless its pipeline writes
// ($out, $merge). isMaster/ismaster: drivers spell the handshake both ways.
var readCommands = map[string]bool{
	"find": true, "getMore": true, "count": true, "distinct": true, "aggregate": true,
	"listCollections": true, "listIndexes": true, "listDatabases": true,
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true, "buildinfo": true,
	"serverStatus": true, "dbStats": true, "collStats": true, "dataSize": true, "explain": true,
	"getParameter": true, "getLog": true, "hostInfo": true, "whatsmyuri": true, "connectionStatus": true,
	"getCmdLineOpts": true, "endSessions": true, "killCursors": true,
}

// readOnly: msg is an OP_MSG whose command only reads.
func readOnly(msg []byte) bool {
	name, ok := commandName(msg)
	if !ok || !readCommands[name] {
		return false
	}
	// BSON keys end with a NUL, so this finds the stages; a string value that
	// happens to end the same way only costs this aggregate its concurrency.
	if name == "aggregate" && (bytes.Contains(msg, []byte("$out\x00")) || bytes.Contains(msg, []byte("$merge\x00"))) {
		return false
	}
	return true
}

// commandName is the first key of an OP_MSG's body (kind 0) section, which is
// how MongoDB names the command; ok is false for anything malformed or not OP_MSG.
func commandName(msg []byte) (string, bool) {
	if len(msg) < 21 || opCode(msg) != opMsg {
		return "", false
	}
	end := len(msg)
	if binary.LittleEndian.Uint32(msg[16:20])&flagChecksumPresent != 0 {
		end -= 4
	}
	for off := 20; off < end; {
		kind := msg[off]
		off++
		if off+4 > end {
			return "", false
		}
		size := int(binary.LittleEndian.Uint32(msg[off : off+4]))
		if size < 5 || off+size > end {
			return "", false
		}
		switch kind {
		case 0:
			// int32 length, then the first element: type byte, then its NUL-terminated key.
			doc := msg[off : off+size]
			if doc[4] == 0 {
				return "", false
			}
			key := doc[5:]
			nul := bytes.IndexByte(key, 0)
			if nul <= 0 {
				return "", false
			}
			return string(key[:nul]), true
		case 1:
			off += size // a document sequence (e.g. the documents of an insert)
		default:
			return "", false
		}
	}
	return "", false
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
