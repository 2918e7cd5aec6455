package main

import (
	"encoding/binary"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// bsonDoc builds a BSON document of string fields, in order.
func bsonDoc(kv ...string) []byte {
	body := []byte{}
	for i := 0; i+1 < len(kv); i += 2 {
		body = append(body, 0x02)
		body = append(body, kv[i]...)
		body = append(body, 0)
		body = binary.LittleEndian.AppendUint32(body, uint32(len(kv[i+1])+1))
		body = append(body, kv[i+1]...)
		body = append(body, 0)
	}
	doc := binary.LittleEndian.AppendUint32(nil, uint32(len(body)+5))
	doc = append(doc, body...)
	return append(doc, 0)
}

// opMsgOf frames sections (each already prefixed with its kind byte) as an OP_MSG.
func opMsgOf(flags uint32, sections ...[]byte) []byte {
	msg := make([]byte, 16, 64)
	binary.LittleEndian.PutUint32(msg[12:16], opMsg)
	msg = binary.LittleEndian.AppendUint32(msg, flags)
	for _, s := range sections {
		msg = append(msg, s...)
	}
	binary.LittleEndian.PutUint32(msg[0:4], uint32(len(msg)))
	return msg
}

func body(kv ...string) []byte { return append([]byte{0}, bsonDoc(kv...)...) }

func command(kv ...string) []byte { return opMsgOf(0, body(kv...)) }

func TestCommandName(t *testing.T) {
	seq := bsonDoc("_id", "a")
	sequence := append([]byte{1}, binary.LittleEndian.AppendUint32(nil, uint32(4+len("documents")+1+len(seq)))...)
	sequence = append(append(append(sequence, "documents"...), 0), seq...)
	withChecksum := append(opMsgOf(flagChecksumPresent, body("find", "c")), 0, 0, 0, 0)
	cases := []struct {
		name string
		msg  []byte
		want string
		ok   bool
	}{
		{"body only", command("find", "c", "$db", "d"), "find", true},
		{"document sequence before the body", opMsgOf(0, sequence, body("insert", "c")), "insert", true},
		{"checksum", withChecksum, "find", true},
		{"empty body", opMsgOf(0, body()), "", false},
		{"truncated", command("find", "c")[:24], "", false},
		{"legacy OP_QUERY", append(binary.LittleEndian.AppendUint32(make([]byte, 12), 2004), 0, 0, 0, 0, 0), "", false},
	}
	for _, c := range cases {
		got, ok := commandName(c.msg)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: commandName = %q, %v; want %q, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestReadOnly(t *testing.T) {
	for _, name := range []string{"find", "getMore", "count", "aggregate", "listIndexes", "hello", "isMaster", "ping"} {
		if !readOnly(command(name, "c")) {
			t.Errorf("%s should run concurrently", name)
		}
	}
	for _, name := range []string{"update", "findAndModify", "delete", "insert", "createIndexes", "drop", "someFutureCommand"} {
		if readOnly(command(name, "c")) {
			t.Errorf("%s must run alone", name)
		}
	}
	for _, stage := range []string{"$out", "$merge"} {
		if readOnly(command("aggregate", "c", stage, "target")) {
			t.Errorf("aggregate with %s must run alone", stage)
		}
	}
}

// fakeBackend answers each message after holding it for hold, and records how
// many it held at the same time at most.
type fakeBackend struct {
	hold    time.Duration
	current atomic.Int32
	max     atomic.Int32
}

func (b *fakeBackend) serve(t *testing.T, l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			for {
				msg, err := readMessage(c)
				if err != nil {
					return
				}
				n := b.current.Add(1)
				for {
					m := b.max.Load()
					if n <= m || b.max.CompareAndSwap(m, n) {
						break
					}
				}
				time.Sleep(b.hold)
				b.current.Add(-1)
				if _, err := c.Write(msg); err != nil {
					return
				}
			}
		}()
	}
}

// maxInFlight sends cmds at once, each on its own client connection through a
// serializer, and returns how many the backend ever held at the same time.
func maxInFlight(t *testing.T, cmds ...[]byte) int32 {
	t.Helper()
	dir := t.TempDir()
	backendSocket := filepath.Join(dir, "backend.sock")
	bl, err := net.Listen("unix", backendSocket)
	if err != nil {
		t.Fatal(err)
	}
	defer bl.Close()
	backend := &fakeBackend{hold: 150 * time.Millisecond}
	go backend.serve(t, bl)

	front, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer front.Close()
	s := &serializer{backend: backendSocket, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	go func() { _ = s.serve(front) }()

	var wg sync.WaitGroup
	for _, cmd := range cmds {
		wg.Add(1)
		go func(cmd []byte) {
			defer wg.Done()
			c, err := net.Dial("tcp", front.Addr().String())
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if _, err := c.Write(cmd); err != nil {
				t.Error(err)
				return
			}
			reply, err := readMessage(c)
			if err != nil || len(reply) != len(cmd) {
				t.Errorf("no reply: %v", err)
			}
		}(cmd)
	}
	wg.Wait()
	return backend.max.Load()
}

func TestReadsRunConcurrently(t *testing.T) {
	if got := maxInFlight(t, command("find", "c"), command("find", "c"), command("aggregate", "c")); got < 2 {
		t.Fatalf("reads ran one at a time (at most %d in flight)", got)
	}
}

func TestWritesRunAlone(t *testing.T) {
	cases := map[string][][]byte{
		"two updates":           {command("update", "c"), command("update", "c")},
		"findAndModify + find":  {command("findAndModify", "c"), command("find", "c"), command("find", "c")},
		"delete + insert":       {command("delete", "c"), command("insert", "c")},
		"$out aggregate + find": {command("aggregate", "c", "$out", "t"), command("find", "c")},
	}
	for name, cmds := range cases {
		if got := maxInFlight(t, cmds...); got != 1 {
			t.Errorf("%s: %d commands in flight at once, want 1", name, got)
		}
	}
}
