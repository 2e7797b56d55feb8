package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

var magic = []byte("\x93NUMPY")

// maxHeader bounds the header length we accept, to fail fast on garbage.
const maxHeader = 1 << 20

// maxValues bounds the values of an array (8 GiB as float32), and
// maxEmptyRows the rows of an array of 0 columns, whose size no data
// confirms.
const (
	maxValues    = math.MaxInt32
	maxEmptyRows = 1 << 20
)

// chunkValues is how many values Read decodes at a time; where the input's
// size is unknown, memory grows with the data actually read, not with the
// shape the header declares.
const chunkValues = 1 << 16

// Read reads a 2-D float32 or float64 array and returns its rows as float32,
// all backed by one contiguous slice. A float64 value outside the float32
// range becomes ±Inf; callers that reject non-finite data see it there.
//
// The shape in the header is checked against the data: when r is an
// io.Seeker or has a Len method (an *os.File, a *bytes.Reader), against its
// size before anything is allocated; otherwise the data is read in chunks,
// so that a truncated file fails after allocating about what it holds.
func Read(r io.Reader) ([][]float32, error) {
	avail := remaining(r) // bytes left in r, or -1
	br := bufio.NewReaderSize(r, 1<<16)
	pre := make([]byte, 8)
	if _, err := io.ReadFull(br, pre); err != nil {
		return nil, fmt.Errorf("npy: reading magic: %w", err)
	}
	if !bytes.Equal(pre[:6], magic) {
		return nil, errors.New("npy: not a .npy file (bad magic)")
	}
	var hlen int
	switch pre[6] {
	case 1:
		b := make([]byte, 2)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b))
	case 2, 3:
		b := make([]byte, 4)
		if _, err := io.ReadFull(br, b); err != nil {
			return nil, fmt.Errorf("npy: reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b))
	default:
		return nil, fmt.Errorf("npy: unsupported format version %d.%d", pre[6], pre[7])
	}
	if hlen > maxHeader {
		return nil, fmt.Errorf("npy: header of %d bytes is too long", hlen)
	}
	if avail >= 0 {
		avail -= int64(len(pre)) + int64(hlen)
		if pre[6] == 1 {
			avail -= 2
		} else {
			avail -= 4
		}
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(br, hb); err != nil {
		return nil, fmt.Errorf("npy: reading header: %w", err)
	}
	h, err := parseHeader(string(hb))
	if err != nil {
		return nil, err
	}
	var size int
	switch h.descr {
	case "<f4":
		size = 4
	case "<f8":
		size = 8
	default:
		return nil, fmt.Errorf("npy: dtype %q not supported (want little-endian float32 '<f4' or float64 '<f8')", h.descr)
	}
	if h.fortran {
		return nil, errors.New("npy: Fortran-order arrays are not supported (save with C order)")
	}
	if len(h.shape) != 2 {
		return nil, fmt.Errorf("npy: array has %d dimensions %v, want 2 (rows, columns)", len(h.shape), h.shape)
	}
	rows, cols := h.shape[0], h.shape[1]
	if cols > 0 && rows > maxValues/cols || cols == 0 && rows > maxEmptyRows {
		return nil, fmt.Errorf("npy: shape %v is too large", h.shape)
	}
	n := rows * cols
	if avail >= 0 && int64(n)*int64(size) > avail {
		return nil, fmt.Errorf("npy: truncated file: shape (%d, %d) of %s needs %d bytes of data, the file has %d",
			rows, cols, h.descr, int64(n)*int64(size), max(avail, 0))
	}
	var flat []float32
	if avail >= 0 {
		flat = make([]float32, 0, n)
	}
	buf := make([]byte, chunkValues*size)
	for len(flat) < n {
		m := min(chunkValues, n-len(flat))
		b := buf[:m*size]
		if _, err := io.ReadFull(br, b); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, fmt.Errorf("npy: truncated file: shape (%d, %d) of %s, reading value %d of %d: %w",
				rows, cols, h.descr, len(flat), n, err)
		}
		if size == 4 {
			for i := range m {
				flat = append(flat, math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
			}
		} else {
			for i := range m {
				flat = append(flat, float32(math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))))
			}
		}
	}
	out := make([][]float32, rows)
	for i := range out {
		out[i] = flat[i*cols : (i+1)*cols : (i+1)*cols]
	}
	return out, nil
}

// remaining returns how many bytes are left to read in r, or -1 when r
// does not tell.
func remaining(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case io.Seeker:
		cur, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		end, err := r.Seek(0, io.SeekEnd)
		if err != nil {
			return -1
		}
		if _, err := r.Seek(cur, io.SeekStart); err != nil {
			return -1
		}
		return end - cur
	}
	return -1
}

type header struct {
	descr   string
	fortran bool
	shape   []int
}

// parseHeader parses the dict literal NumPy writes, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
func parseHeader(s string) (header, error) {
	var h header
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return h, fmt.Errorf("npy: malformed header %q", s)
	}
	body := s[1 : len(s)-1]
	var seen [3]bool
	for body = strings.TrimSpace(body); body != ""; body = strings.TrimSpace(body) {
		key, rest, err := quoted(body)
		if err != nil {
			return h, err
		}
		rest = strings.TrimSpace(rest)
		if !strings.HasPrefix(rest, ":") {
			return h, fmt.Errorf("npy: malformed header %q", s)
		}
		rest = strings.TrimSpace(rest[1:])
		switch key {
		case "descr":
			h.descr, rest, err = quoted(rest)
			if err != nil {
				return h, err
			}
			seen[0] = true
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "False"):
				rest = rest[5:]
			case strings.HasPrefix(rest, "True"):
				h.fortran, rest = true, rest[4:]
			default:
				return h, fmt.Errorf("npy: malformed fortran_order in %q", s)
			}
			seen[1] = true
		case "shape":
			end := strings.IndexByte(rest, ')')
			if !strings.HasPrefix(rest, "(") || end < 0 {
				return h, fmt.Errorf("npy: malformed shape in %q", s)
			}
			for _, f := range strings.Split(rest[1:end], ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				v, err := strconv.Atoi(strings.TrimSuffix(f, "L"))
				if err != nil || v < 0 {
					return h, fmt.Errorf("npy: bad dimension %q in shape", f)
				}
				h.shape = append(h.shape, v)
			}
			rest = rest[end+1:]
			seen[2] = true
		default:
			return h, fmt.Errorf("npy: unknown header key %q", key)
		}
		rest = strings.TrimSpace(rest)
		rest = strings.TrimPrefix(rest, ",")
		body = rest
	}
	if !seen[0] || !seen[1] || !seen[2] {
		return h, fmt.Errorf("npy: header %q lacks descr, fortran_order or shape", s)
	}
	return h, nil
}

// quoted reads a Python string literal in single or double quotes at the
// start of s and returns it and what follows.
func quoted(s string) (string, string, error) {
	if s == "" || (s[0] != '\'' && s[0] != '"') {
		return "", "", fmt.Errorf("npy: expected a quoted string at %q", s)
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", "", fmt.Errorf("npy: unterminated string at %q", s)
	}
	return s[1 : 1+end], s[end+2:], nil
}

// Write writes rows as a version 1.0 '<f4' array. Every row must have the
// same length; a ragged input is a programmer error and panics.
func Write(w io.Writer, rows [][]float32) error {
	cols := 0
	if len(rows) > 0 {
		cols = len(rows[0])
	}
	for i, r := range rows {
		if len(r) != cols {
			panic(fmt.Sprintf("npy: row %d has %d values, row 0 has %d", i, len(r), cols))
		}
	}
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", len(rows), cols)
	// magic(6) + version(2) + length(2) + dict + padding + '\n' = multiple of 64.
	total := 10 + len(dict) + 1
	pad := (64 - total%64) % 64
	hdr := make([]byte, 0, total+pad)
	hdr = append(hdr, magic...)
	hdr = append(hdr, 1, 0)
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(len(dict)+pad+1))
	hdr = append(hdr, dict...)
	hdr = append(hdr, bytes.Repeat([]byte{' '}, pad)...)
	hdr = append(hdr, '\n')
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.Write(hdr); err != nil {
		return fmt.Errorf("npy: writing header: %w", err)
	}
	var b [4]byte
	for _, r := range rows {
		for _, v := range r {
			binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
			if _, err := bw.Write(b[:]); err != nil {
				return fmt.Errorf("npy: writing data: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("npy: writing data: %w", err)
	}
	return nil
}
