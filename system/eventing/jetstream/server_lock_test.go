package jetstream

import (
	"errors"
	"strings"
	"testing"
)

func TestStoreFolderLock(t *testing.T) {
	dir := t.TempDir()
	s1, err := StartServer(ServerConfig{StoreDir: dir, DontListen: true})
	if err != nil {
		t.Fatal(err)
	}
	_, err = StartServer(ServerConfig{StoreDir: dir, DontListen: true})
	if !errors.Is(err, ErrStoreLocked) {
		t.Fatalf("second server on %s: err = %v, want ErrStoreLocked", dir, err)
	}
	for _, want := range []string{dir, "--jetstream-store DIR"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := New(Config{StoreDir: dir, InProcess: true}); !errors.Is(err, ErrStoreLocked) {
		t.Errorf("New on a locked folder: err = %v, want ErrStoreLocked", err)
	}
	s1.Shutdown()
	s2, err := StartServer(ServerConfig{StoreDir: dir, DontListen: true})
	if err != nil {
		t.Fatalf("after the first server stopped: %v", err)
	}
	s2.Shutdown()
}
