package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// OpenFile opens a file the scenario names (a manifest or a trace), as the
// loader and the runner read it: rel is resolved against Dir and must stay
// inside Dir and its subfolders (symbolic links included) unless
// Limits.FilesOutside is set; it must be a regular file (not a named pipe,
// device, socket or folder) of at most limit bytes. The reader fails if
// the file grows beyond limit while it is read. Errors name the path and
// the reason; those of a missing file are *os.PathError.
func (s *Scenario) OpenFile(rel string, limit int64) (io.ReadCloser, error) {
	path := s.Path(rel)
	var (
		f   *os.File
		err error
	)
	if s.Limits.FilesOutside {
		f, err = openRegular(path, func(flag int) (*os.File, error) { return os.OpenFile(path, flag, 0) },
			func() (fs.FileInfo, error) { return os.Stat(path) })
	} else {
		dir := s.Dir
		if dir == "" {
			dir = "."
		}
		if filepath.IsAbs(rel) || !filepath.IsLocal(rel) {
			return nil, fmt.Errorf("%s is outside the scenario's folder %s: file paths are relative to it and stay in it or its subfolders (knsim run --allow-outside-files lifts this)", rel, dir)
		}
		root, rerr := os.OpenRoot(dir)
		if rerr != nil {
			return nil, rerr
		}
		defer root.Close()
		f, err = openRegular(path, func(flag int) (*os.File, error) { return root.OpenFile(rel, flag, 0) },
			func() (fs.FileInfo, error) { return root.Stat(rel) })
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err == nil && st.Size() > limit {
		err = fmt.Errorf("%s is %d bytes; at most %d are read (%s)", path, st.Size(), limit, sizeText(limit))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &limitedFile{f: f, name: path, left: limit}, nil
}

// openRegular stats, then opens without blocking (a named pipe would wait
// for a writer), then checks the opened file is the regular file it
// stated.
func openRegular(path string, open func(flag int) (*os.File, error), stat func() (fs.FileInfo, error)) (*os.File, error) {
	st, err := stat()
	if err != nil {
		return nil, cleanPathError(path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s, not a regular file", path, kindOf(st.Mode()))
	}
	f, err := open(os.O_RDONLY | syscall.O_NONBLOCK)
	if err != nil {
		return nil, cleanPathError(path, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s is %s, not a regular file", path, kindOf(st.Mode()))
		}
		return nil, err
	}
	return f, nil
}

// cleanPathError names path in err: a missing file reads "cannot read
// path: no such file or directory" (trimPathError); a symbolic link out of
// the folder says so.
func cleanPathError(path string, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		if pe.Err.Error() == "path escapes from parent" {
			return fmt.Errorf("%s leads outside the scenario's folder (a symbolic link?): file paths stay in it or its subfolders (knsim run --allow-outside-files lifts this)", path)
		}
		return &os.PathError{Op: "open", Path: path, Err: pe.Err}
	}
	return err
}

func kindOf(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}

// limitedFile reads a file and fails once more than left bytes came.
type limitedFile struct {
	f    *os.File
	name string
	left int64
}

func (l *limitedFile) Read(p []byte) (int, error) {
	if l.left < 0 {
		return 0, fmt.Errorf("%s grew beyond its size limit while it was read", l.name)
	}
	if int64(len(p)) > l.left+1 {
		p = p[:l.left+1]
	}
	n, err := l.f.Read(p)
	l.left -= int64(n)
	if l.left < 0 {
		return n, fmt.Errorf("%s grew beyond its size limit while it was read", l.name)
	}
	return n, err
}

func (l *limitedFile) Close() error { return l.f.Close() }

// readScenarioFile reads a scenario file: a regular file of at most
// MaxScenarioBytes.
func readScenarioFile(path string) ([]byte, error) {
	f, err := openRegular(path, func(flag int) (*os.File, error) { return os.OpenFile(path, flag, 0) },
		func() (fs.FileInfo, error) { return os.Stat(path) })
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > MaxScenarioBytes {
		return nil, fmt.Errorf("the file is %d bytes; a scenario file holds at most %d (%s)", st.Size(), MaxScenarioBytes, sizeText(MaxScenarioBytes))
	}
	return io.ReadAll(&limitedFile{f: f, name: path, left: MaxScenarioBytes})
}
