package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestUpStores: --state-dir puts the JetStream store in DIR/jetstream;
// --jetstream-store alone keeps working; both must name the same folder.
func TestUpStores(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name              string
		o                 upOptions
		wantState, wantJS string
		wantErr           string
	}{
		{name: "neither", o: upOptions{}},
		{name: "store only", o: upOptions{jetstreamStore: "js"}, wantJS: "js"},
		{name: "state dir", o: upOptions{stateDir: dir}, wantState: dir, wantJS: filepath.Join(dir, "jetstream")},
		{name: "same store", o: upOptions{stateDir: dir, jetstreamStore: filepath.Join(dir, "jetstream")}, wantState: dir, wantJS: filepath.Join(dir, "jetstream")},
		{name: "conflict", o: upOptions{stateDir: dir, jetstreamStore: filepath.Join(dir, "other")}, wantErr: "conflicts with --state-dir"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			state, js, err := tc.o.stores()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || state != tc.wantState || js != tc.wantJS {
				t.Fatalf("stores() = %q, %q, %v; want %q, %q", state, js, err, tc.wantState, tc.wantJS)
			}
		})
	}
}
