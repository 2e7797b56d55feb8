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

// ErrTooLarge is wrapped by the *TooManyColumnsError of a row of more than
// MaxColumns fields.
var ErrTooLarge = errors.New("table too large")

// MaxColumns is the most fields a row may have. The header's names cost
// about 100 bytes each (pandas' "Unnamed: N" for an empty cell, and their
// check for repeats), so that this bounds the fixed part of the memory that
// reading a file takes to a few MiB.
const MaxColumns = 1 << 14

// TooManyColumnsError says which line has more fields than MaxColumns.
type TooManyColumnsError struct {
	Line  int
	Limit int
}

func (e *TooManyColumnsError) Error() string {
	return fmt.Sprintf("csvdocs: line %d has more than %d fields", e.Line, e.Limit)
}

func (e *TooManyColumnsError) Unwrap() error { return ErrTooLarge }

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

// Table is what ReadTable keeps of a CSV file: its header, its number of
// data rows and the cells of the columns asked for. As in pandas, an empty
// header cell is named "Unnamed: N", N its 0-based index, and a repeated
// name gets a suffix: a, a.1, a.2.
type Table struct {
	Header []string
	Len    int        // data rows
	cells  [][]string // cells[k][row] of the k-th column asked for
	index  []int      // its index in Header
}

// reader walks the data rows of a CSV file, one at a time, without keeping
// them: when the first data row has more fields than the header, its
// leading fields (which pandas takes as the row index) are not cells.
type reader struct {
	tok    tokenizer
	header []string
	width  int // fields of a full row
	lead   int // leading index fields
	rows   int // data rows read
	line   int // where the current row starts
	// Where the data rows start, for rewind.
	bodyPos, bodyLine int
}

// newReader reads the header of data.
func newReader(data []byte) (*reader, error) {
	r := &reader{tok: tokenizer{data: bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), maxFields: MaxColumns}}
	line, err := r.tok.next()
	if err == io.EOF {
		return nil, fmt.Errorf("csvdocs: empty file: %w", ErrMalformed)
	}
	if err != nil {
		return nil, fmt.Errorf("csvdocs: header: %w", err)
	}
	if err := r.checkUTF8(line); err != nil {
		return nil, err
	}
	header := make([]string, r.tok.fields())
	for i := range header {
		header[i] = string(r.tok.field(i))
	}
	r.header = pandasNames(header)
	r.bodyPos, r.bodyLine = r.tok.pos, r.tok.line
	r.rewind()
	return r, nil
}

// rewind goes back to the first data row, keeping the header and the
// buffers.
func (r *reader) rewind() {
	r.tok.pos, r.tok.line = r.bodyPos, r.bodyLine
	r.width, r.lead, r.rows, r.line = len(r.header), 0, 0, 0
}

// next reads the next data row, or returns io.EOF. Errors name their line:
// a quoted field still open at the end of the file, a row with more fields
// than the first data row (or the header), a line that is not UTF-8, a row
// of more than MaxColumns fields.
func (r *reader) next() error {
	line, err := r.tok.next()
	if err == io.EOF {
		return err
	}
	if err != nil {
		return fmt.Errorf("csvdocs: %w", err)
	}
	if err := r.checkUTF8(line); err != nil {
		return err
	}
	n := r.tok.fields()
	switch {
	case r.rows == 0 && n > r.width:
		// pandas reads the extra leading fields as the row index.
		r.width, r.lead = n, n-len(r.header)
	case n > r.width:
		return fmt.Errorf("csvdocs: %w: expected %d fields in line %d, saw %d", ErrMalformed, r.width, line, n)
	}
	r.rows++
	r.line = line
	return nil
}

// cell returns the current row's cell of header column c, empty when the
// row is short, valid until the next call of next.
func (r *reader) cell(c int) []byte {
	if i := r.lead + c; i < r.tok.fields() {
		return r.tok.field(i)
	}
	return nil
}

// checkUTF8 checks the current record (its fields lie end to end in buf).
func (r *reader) checkUTF8(line int) error {
	if !utf8.Valid(r.tok.buf) {
		return fmt.Errorf("csvdocs: line %d is not valid UTF-8: %w", line, ErrMalformed)
	}
	return nil
}

// open reads the header of data and finds the columns asked for.
func open(data []byte, columns []string) (*reader, []int, error) {
	r, err := newReader(data)
	if err != nil {
		return nil, nil, err
	}
	index := make([]int, len(columns))
	for k, name := range columns {
		if index[k], err = column(r.header, name); err != nil {
			return nil, nil, err
		}
	}
	return r, index, nil
}

// scan reads every data row from the first, checking the file and the row
// limit, and calls visit (if not nil) on each.
func (r *reader) scan(limit int, visit func()) error {
	r.rewind()
	for {
		err := r.next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if limit > 0 && r.rows > limit {
			return &TooManyRowsError{Limit: limit}
		}
		if visit != nil {
			visit()
		}
	}
}

// ReadTable reads a CSV file, at most limit rows after the header (limit
// <= 0: no limit), and keeps the cells of the named columns (found as
// Column finds them): a first pass checks the whole file (see
// reader.next for its errors) and counts, a second takes the cells, so
// that nothing is allocated in vain. Memory: the file, its longest record,
// and the cells kept with 16 bytes for each (see the package doc).
func ReadTable(rd io.Reader, limit int, columns ...string) (*Table, error) {
	data, err := readAll(rd)
	if err != nil {
		return nil, fmt.Errorf("csvdocs: %w", err)
	}
	r, index, err := open(data, columns)
	if err != nil {
		return nil, err
	}
	if err := r.scan(limit, nil); err != nil {
		return nil, err
	}
	t := &Table{Header: r.header, Len: r.rows, index: index, cells: make([][]string, len(columns))}
	for k := range t.cells {
		t.cells[k] = make([]string, 0, r.rows)
	}
	err = r.scan(limit, func() {
		for k, c := range index {
			t.cells[k] = append(t.cells[k], string(r.cell(c)))
		}
	})
	if err != nil {
		return nil, err
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

// column returns the index of the first header cell named name
// (surrounding spaces ignored when no cell matches exactly), or a
// *ColumnError.
func column(header []string, name string) (int, error) {
	for i, h := range header {
		if h == name {
			return i, nil
		}
	}
	for i, h := range header {
		if strings.TrimSpace(h) == strings.TrimSpace(name) {
			return i, nil
		}
	}
	return -1, &ColumnError{Column: name, Columns: header}
}

// Column returns the index in Header of the column that name finds (see
// ReadTable), or a *ColumnError.
func (t *Table) Column(name string) (int, error) { return column(t.Header, name) }

// Cells returns the cells of column i, one per data row ("" for a short
// row), or nil when ReadTable was not asked for it.
func (t *Table) Cells(i int) []string {
	for k, c := range t.index {
		if c == i {
			return t.cells[k]
		}
	}
	return nil
}

// Values returns the non-missing cells of column i, in row order, with
// their row numbers (0 = first row after the header); none when ReadTable
// was not asked for the column.
func (t *Table) Values(i int) (values []string, rows []int) {
	for r, v := range t.Cells(i) {
		if !naValues[v] {
			values = append(values, v)
			rows = append(rows, r)
		}
	}
	return values, rows
}

// Read returns the non-missing cells of the named column of a CSV file,
// which may hold at most limit rows (limit <= 0: no limit). It reads the
// file twice, counting the first time, so that it allocates the file, its
// longest record, and exactly the cells it returns.
func Read(rd io.Reader, column string, limit int) ([]string, error) {
	data, err := readAll(rd)
	if err != nil {
		return nil, fmt.Errorf("csvdocs: %w", err)
	}
	r, index, err := open(data, []string{column})
	if err != nil {
		return nil, err
	}
	c, n := index[0], 0
	count := func() {
		if !naValues[string(r.cell(c))] {
			n++
		}
	}
	if err := r.scan(limit, count); err != nil {
		return nil, err
	}
	values := make([]string, 0, n)
	take := func() {
		if v := r.cell(c); !naValues[string(v)] {
			values = append(values, string(v))
		}
	}
	if err := r.scan(limit, take); err != nil {
		return nil, err
	}
	return values, nil
}
