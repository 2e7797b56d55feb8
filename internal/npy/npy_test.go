package npy

import (
	"bytes"
	"encoding/binary"
	"math"
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

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		desc, dict, want string
	}{
		{"int", "{'descr': '<i8', 'fortran_order': False, 'shape': (1, 1), }", "dtype"},
		{"big endian", "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 1), }", "dtype"},
		{"fortran", "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", "Fortran"},
		{"1-D", "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", "dimensions"},
		{"short data", "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 4), }", "reading data"},
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
