package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/bunkatopics/bunka-go/internal/pipeline"
)

// stateMagic starts every encoded pipeline state (format version 1).
const stateMagic = "BKS1"

var errCorrupt = errors.New("corrupt pipeline state")

// EncodeState writes st compactly: the magic "BKS1", then the embedder name
// and the space as uvarint-length-prefixed bytes, then the number of rows
// and, for each row, its length and its float32 values (little endian).
func EncodeState(st *pipeline.State) ([]byte, error) {
	n := len(stateMagic) + 3*binary.MaxVarintLen64 + len(st.Embedder) + len(st.Space)
	for _, r := range st.Embeddings {
		n += binary.MaxVarintLen64 + 4*len(r)
	}
	b := make([]byte, 0, n)
	b = append(b, stateMagic...)
	b = binary.AppendUvarint(b, uint64(len(st.Embedder)))
	b = append(b, st.Embedder...)
	b = binary.AppendUvarint(b, uint64(len(st.Space)))
	b = append(b, st.Space...)
	b = binary.AppendUvarint(b, uint64(len(st.Embeddings)))
	for _, r := range st.Embeddings {
		b = binary.AppendUvarint(b, uint64(len(r)))
		for _, v := range r {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	return b, nil
}

// DecodeState reads what EncodeState wrote.
func DecodeState(b []byte) (*pipeline.State, error) {
	if len(b) < len(stateMagic) || string(b[:len(stateMagic)]) != stateMagic {
		return nil, errCorrupt
	}
	b = b[len(stateMagic):]
	uv := func() (int, error) {
		v, k := binary.Uvarint(b)
		if k <= 0 || v > uint64(len(b))*8+1<<20 {
			return 0, errCorrupt
		}
		b = b[k:]
		return int(v), nil
	}
	bytesOf := func() ([]byte, error) {
		n, err := uv()
		if err != nil || n > len(b) {
			return nil, errCorrupt
		}
		out := b[:n:n]
		b = b[n:]
		return out, nil
	}
	st := &pipeline.State{}
	name, err := bytesOf()
	if err != nil {
		return nil, err
	}
	st.Embedder = string(name)
	space, err := bytesOf()
	if err != nil {
		return nil, err
	}
	st.Space = append([]byte(nil), space...)
	rows, err := uv()
	if err != nil {
		return nil, err
	}
	if rows > len(b) {
		return nil, errCorrupt
	}
	st.Embeddings = make([][]float32, rows)
	for i := range st.Embeddings {
		d, err := uv()
		if err != nil || 4*d > len(b) {
			return nil, fmt.Errorf("%w: row %d", errCorrupt, i)
		}
		r := make([]float32, d)
		for j := range r {
			r[j] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))
		}
		b = b[4*d:]
		st.Embeddings[i] = r
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(b))
	}
	return st, nil
}
