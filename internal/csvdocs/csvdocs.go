package csvdocs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"unicode/utf8"
)

// ErrColumnNotFound is wrapped by the *ColumnError that Read returns when
// the header has no such column.
var ErrColumnNotFound = errors.New("column not found")

// ErrTooManyRows is wrapped by the *TooManyRowsError that Read returns when
// the file holds more rows than the limit.
var ErrTooManyRows = errors.New("too many rows")

// ErrMalformed is wrapped by the errors of a file that is not CSV (a quoted
// field never closed, a row with too many fields), is empty or is not UTF-8:
// the files on which pandas.read_csv fails.
var ErrMalformed = errors.New("malformed csv")

// ErrTooLarge is wrapped by the error of a table of more than maxCells
// cells (rows × columns, short rows counting as full).
var ErrTooLarge = errors.New("table too large")

// maxCells bounds the cells of a Table (1 GiB of string headers), so that a
// few long lines followed by many short ones, each padded to the longest,
// cannot exhaust memory. A variable for the tests.
var maxCells = 1 << 26

// ColumnError says which column was asked for and which the file has.
type ColumnError struct {
	Column  string
	Columns []string
}

func (e *ColumnError) Error() string {
	return fmt.Sprintf("csvdocs: no column %q; the columns are %q", e.Column, e.Columns)
}

func (e *ColumnError) Unwrap() error { return ErrColumnNotFound }

// TooManyRowsError says how many rows a file may hold.
type TooManyRowsError struct {
	Limit int
}

func (e *TooManyRowsError) Error() string {
	return fmt.Sprintf("csvdocs: more than %d rows", e.Limit)
}

func (e *TooManyRowsError) Unwrap() error { return ErrTooManyRows }

// naValues are the strings pandas.read_csv reads as missing by default.
var naValues = map[string]bool{
	"": true, "#N/A": true, "#N/A N/A": true, "#NA": true, "-1.#IND": true,
	"-1.#QNAN": true, "-NaN": true, "-nan": true, "1.#IND": true,
	"1.#QNAN": true, "<NA>": true, "N/A": true, "NA": true, "NULL": true,
	"NaN": true, "None": true, "n/a": true, "nan": true, "null": true,
}

// Table is a whole CSV file: its header and rows. Every row has one cell
// per header cell: short rows are padded with empty cells, and when the
// first data row has more fields than the header, the leading fields of
// every row (which pandas takes as the row index) are dropped. As in pandas,
// an empty header cell is named "Unnamed: N", N its 0-based index, and a
// repeated name gets a suffix: a, a.1, a.2.
type Table struct {
	Header []string
	Rows   [][]string
}

// ReadTable reads a CSV file, at most limit rows after the header (limit <=
// 0: no limit). Errors name their line: a quoted field still open at the
// end of the file, a row with more fields than the first data row (or the
// header), a line that is not UTF-8, a table of more than maxCells cells.
func ReadTable(r io.Reader, limit int) (*Table, error) {
	data, err := readAll(r)
	if err != nil {
		return nil, fmt.Errorf("csvdocs: %w", err)
	}
	tok := &tokenizer{data: bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})}
	header, line, err := tok.next()
	if err == io.EOF {
		return nil, fmt.Errorf("csvdocs: empty file: %w", ErrMalformed)
	}
	if err != nil {
		return nil, fmt.Errorf("csvdocs: header: %w", err)
	}
	if err := checkUTF8(header, line); err != nil {
		return nil, err
	}
	t := &Table{Header: pandasNames(header)}
	width, lead := len(header), 0
	for {
		rec, line, err := tok.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csvdocs: %w", err)
		}
		if err := checkUTF8(rec, line); err != nil {
			return nil, err
		}
		switch {
		case len(t.Rows) == 0 && len(rec) > width:
			// pandas reads the extra leading fields as the row index.
			width, lead = len(rec), len(rec)-len(header)
		case len(rec) > width:
			return nil, fmt.Errorf("csvdocs: %w: expected %d fields in line %d, saw %d", ErrMalformed, width, line, len(rec))
		}
		if limit > 0 && len(t.Rows) == limit {
			return nil, &TooManyRowsError{Limit: limit}
		}
		if (len(t.Rows)+1)*width > maxCells {
			return nil, fmt.Errorf("csvdocs: line %d: %w: more than %d cells (%d columns)", line, ErrTooLarge, maxCells, width)
		}
		for len(rec) < width {
			rec = append(rec, "")
		}
		t.Rows = append(t.Rows, rec[lead:])
	}
	return t, nil
}

// pandasNames names the columns as pandas does: an empty cell "Unnamed: N",
// N its index, and a repeated name "name.1", "name.2", ... skipping the
// names the header already has.
func pandasNames(header []string) []string {
	in := make(map[string]bool, len(header))
	for i, h := range header {
		if h == "" {
			header[i] = fmt.Sprintf("Unnamed: %d", i)
		}
		in[header[i]] = true
	}
	counts := make(map[string]int, len(header))
	for i, col := range header {
		orig := col
		for n := counts[col]; n > 0; {
			counts[orig] = n + 1
			col = fmt.Sprintf("%s.%d", orig, n)
			if in[col] {
				n++
			} else {
				n = counts[col]
			}
		}
		header[i] = col
		counts[col]++
	}
	return header
}

// readAll reads r whole, in one allocation when r tells its size (an
// *os.File, a multipart upload, a *bytes.Reader).
func readAll(r io.Reader) ([]byte, error) {
	size := int64(-1)
	switch r := r.(type) {
	case interface{ Len() int }:
		size = int64(r.Len())
	case interface{ Size() int64 }: // *io.SectionReader
		size = r.Size()
	case interface{ Stat() (fs.FileInfo, error) }:
		if fi, err := r.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	if size < 0 || size > 1<<30 {
		return io.ReadAll(r)
	}
	var b bytes.Buffer
	b.Grow(int(size) + bytes.MinRead)
	_, err := b.ReadFrom(r)
	return b.Bytes(), err
}

func checkUTF8(rec []string, line int) error {
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return fmt.Errorf("csvdocs: line %d is not valid UTF-8: %w", line, ErrMalformed)
		}
	}
	return nil
}

// Column returns the index of the first header cell named name (surrounding
// spaces ignored when no cell matches exactly), or a *ColumnError.
func (t *Table) Column(name string) (int, error) {
	for i, h := range t.Header {
		if h == name {
			return i, nil
		}
	}
	for i, h := range t.Header {
		if strings.TrimSpace(h) == strings.TrimSpace(name) {
			return i, nil
		}
	}
	return -1, &ColumnError{Column: name, Columns: t.Header}
}

// Values returns the non-missing cells of column i, in row order, with
// their row numbers (0 = first row after the header).
func (t *Table) Values(i int) (values []string, rows []int) {
	for r, rec := range t.Rows {
		if i < len(rec) && !naValues[rec[i]] {
			values = append(values, rec[i])
			rows = append(rows, r)
		}
	}
	return values, rows
}

// Read returns the non-missing cells of the named column of a CSV file,
// which may hold at most limit rows (limit <= 0: no limit).
func Read(r io.Reader, column string, limit int) ([]string, error) {
	t, err := ReadTable(r, limit)
	if err != nil {
		return nil, err
	}
	i, err := t.Column(column)
	if err != nil {
		return nil, err
	}
	v, _ := t.Values(i)
	return v, nil
}
