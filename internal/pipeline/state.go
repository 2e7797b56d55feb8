package pipeline

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// stateMagic starts every encoded State; the last byte is the format version.
var stateMagic = [4]byte{'B', 'K', 'S', 1}

// ErrBadState is wrapped by UnmarshalBinary's errors.
var ErrBadState = errors.New("malformed pipeline state")

// MarshalBinary encodes s compactly: a 4-byte magic and version, the
// embedder name and the space as length-prefixed bytes (uvarint lengths),
// then the number of rows and their dimension (uvarints) and the embeddings
// as little-endian float32, row after row. All rows must have the same
// length.
func (s *State) MarshalBinary() ([]byte, error) {
	dim := 0
	if len(s.Embeddings) > 0 {
		dim = len(s.Embeddings[0])
	}
	for i, row := range s.Embeddings {
		if len(row) != dim {
			return nil, fmt.Errorf("pipeline: state row %d has %d dimensions, row 0 has %d", i, len(row), dim)
		}
	}
	b := make([]byte, 0, 4+3*binary.MaxVarintLen64+len(s.Embedder)+len(s.Space)+4*dim*len(s.Embeddings))
	b = append(b, stateMagic[:]...)
	b = binary.AppendUvarint(b, uint64(len(s.Embedder)))
	b = append(b, s.Embedder...)
	b = binary.AppendUvarint(b, uint64(len(s.Space)))
	b = append(b, s.Space...)
	b = binary.AppendUvarint(b, uint64(len(s.Embeddings)))
	b = binary.AppendUvarint(b, uint64(dim))
	for _, row := range s.Embeddings {
		for _, x := range row {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
		}
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (s *State) UnmarshalBinary(data []byte) error {
	if len(data) < 4 || [4]byte(data[:4]) != stateMagic {
		return fmt.Errorf("pipeline: state: bad magic or version: %w", ErrBadState)
	}
	r := data[4:]
	next := func(what string) (uint64, error) {
		v, n := binary.Uvarint(r)
		if n <= 0 {
			return 0, fmt.Errorf("pipeline: state: %s: %w", what, ErrBadState)
		}
		r = r[n:]
		return v, nil
	}
	bytesOf := func(what string) ([]byte, error) {
		n, err := next(what)
		if err != nil {
			return nil, err
		}
		if n > uint64(len(r)) {
			return nil, fmt.Errorf("pipeline: state: %s truncated: %w", what, ErrBadState)
		}
		b := r[:n:n]
		r = r[n:]
		return b, nil
	}
	name, err := bytesOf("embedder")
	if err != nil {
		return err
	}
	space, err := bytesOf("space")
	if err != nil {
		return err
	}
	rows, err := next("rows")
	if err != nil {
		return err
	}
	dim, err := next("dimension")
	if err != nil {
		return err
	}
	if rows > 0 && dim == 0 || dim != 0 && rows > uint64(len(r))/4/dim || uint64(len(r)) != 4*rows*dim {
		return fmt.Errorf("pipeline: state: %d rows of %d floats in %d bytes: %w", rows, dim, len(r), ErrBadState)
	}
	st := State{Embedder: string(name)}
	if len(space) > 0 {
		st.Space = append([]byte(nil), space...)
	}
	if rows > 0 {
		flat := make([]float32, rows*dim)
		for i := range flat {
			flat[i] = math.Float32frombits(binary.LittleEndian.Uint32(r[4*i:]))
		}
		st.Embeddings = make([][]float32, rows)
		for i := range st.Embeddings {
			st.Embeddings[i] = flat[uint64(i)*dim : uint64(i+1)*dim : uint64(i+1)*dim]
		}
	}
	*s = st
	return nil
}
