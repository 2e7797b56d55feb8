package npy

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	in := [][]float32{{1, 2, 3}, {4, 5, float32(math.Inf(-1))}}
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatal(err)
	}
	if buf.Len() < 64 || (buf.Len()-6*4)%64 != 0 {
		t.Errorf("header not padded to 64 bytes: file of %d bytes", buf.Len())
	}
	out, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || len(out[1]) != 3 || out[1][1] != 5 || !math.IsInf(float64(out[1][2]), -1) {
		t.Errorf("got %v, want %v", out, in)
	}
}

// file builds a .npy file by hand, as NumPy would write it.
func file(version byte, dict string, data []byte) []byte {
	var b bytes.Buffer
	b.Write(magic)
	b.Write([]byte{version, 0})
	h := dict + "\n"
	if version == 1 {
		binary.Write(&b, binary.LittleEndian, uint16(len(h)))
	} else {
		binary.Write(&b, binary.LittleEndian, uint32(len(h)))
	}
	b.WriteString(h)
	b.Write(data)
	return b.Bytes()
}

func TestReadFloat64V2(t *testing.T) {
	var data bytes.Buffer
	for _, v := range []float64{0.5, -1.25, 3, 1e300} {
		binary.Write(&data, binary.LittleEndian, v)
	}
	f := file(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", data.Bytes())
	out, err := Read(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	if out[0][0] != 0.5 || out[0][1] != -1.25 || out[1][0] != 3 || !math.IsInf(float64(out[1][1]), 1) {
		t.Errorf("got %v", out)
	}
}

// onlyReader hides the Seeker and Len methods of the reader it wraps.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestReadTruncated(t *testing.T) {
	const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }"
	for _, tc := range []struct {
		desc       string
		rows, cols int
		data       int // bytes of data in the file
		stream     bool
		want       string
	}{
		{"huge shape, empty file", 1 << 28, 4, 0, false, "needs 4294967296 bytes of data, the file has 0"},
		{"huge shape, empty stream", 1 << 28, 4, 0, true, "reading value 0 of 1073741824: unexpected EOF"},
		{"huge shape, some data", 1 << 28, 4, 1 << 20, false, "needs 4294967296 bytes of data, the file has 1048576"},
		{"huge shape, streamed data", 1 << 28, 4, 1 << 20, true, "reading value 262144 of 1073741824: unexpected EOF"},
		{"one value short", 3, 3, 32, false, "needs 36 bytes of data, the file has 32"},
		{"one value short, streamed", 3, 3, 32, true, "reading value 0 of 9: unexpected EOF"},
		{"a byte short, streamed", 3, 3, 35, true, "reading value 0 of 9: unexpected EOF"},
	} {
		f := file(1, fmt.Sprintf(dict, tc.rows, tc.cols), make([]byte, tc.data))
		var r io.Reader = bytes.NewReader(f)
		if tc.stream {
			r = onlyReader{r}
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Read(r)
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), "truncated file") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.desc, err, tc.want)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 4*uint64(tc.data)+8<<20 {
			t.Errorf("%s: allocated %d bytes for %d bytes of data", tc.desc, got, tc.data)
		}
	}
}

func TestReadSeekerAtOffset(t *testing.T) {
	var buf bytes.Buffer
	buf.WriteString("prefix")
	if err := Write(&buf, [][]float32{{1, 2}, {3, 4}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "x.npy")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(6, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	out, err := Read(f)
	if err != nil || len(out) != 2 || out[1][1] != 4 {
		t.Errorf("got %v, %v", out, err)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		desc, dict, want string
	}{
		{"int", "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }", "dtype"},
		{"big endian", "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", "dtype"},
		{"fortran", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", "Fortran"},
		{"1-D", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "dimensions"},
		{"short data", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", "truncated file: shape (4, 4) of <f4 needs 64 bytes of data, the file has 8"},
		{"too large", "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }", "too large"},
		{"too many empty rows", "{'descr': '<f4', 'fortran_order': False, 'shape': (10000000000, 0), }", "too large"},
	} {
		_, err := Read(bytes.NewReader(file(1, tc.dict, make([]byte, 8))))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.desc, err, tc.want)
		}
	}
	if _, err := Read(strings.NewReader("not a numpy file")); err == nil {
		t.Error("bad magic: no error")
	}
}
