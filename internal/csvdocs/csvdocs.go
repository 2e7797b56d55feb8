package csvdocs

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ErrColumnNotFound is wrapped by the *ColumnError that Read returns when
// the header has no such column.
var ErrColumnNotFound = errors.New("column not found")

// ErrTooManyRows is wrapped by the *TooManyRowsError that Read returns when
// the file holds more rows than the limit.
var ErrTooManyRows = errors.New("too many rows")

// ErrMalformed is wrapped by the errors of a file that is not CSV or not
// UTF-8.
var ErrMalformed = errors.New("malformed csv")

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

// Table is a whole CSV file: its header and rows (short rows padded with
// empty cells).
type Table struct {
	Header []string
	Rows   [][]string
}

// ReadTable reads a CSV file, at most limit rows after the header (limit <=
// 0: no limit). Row errors name their line.
func ReadTable(r io.Reader, limit int) (*Table, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true // a quote inside an unquoted field is text, as in pandas
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("csvdocs: empty file: %w", ErrMalformed)
	}
	if err != nil {
		return nil, fmt.Errorf("csvdocs: header: %w: %w", ErrMalformed, err)
	}
	if err := checkUTF8(header, 1); err != nil {
		return nil, err
	}
	t := &Table{Header: header}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csvdocs: %w: %w", ErrMalformed, err)
		}
		line, _ := cr.FieldPos(0)
		if err := checkUTF8(rec, line); err != nil {
			return nil, err
		}
		if len(rec) == 1 && rec[0] == "" {
			continue // a blank line, which pandas skips
		}
		if limit > 0 && len(t.Rows) == limit {
			return nil, &TooManyRowsError{Limit: limit}
		}
		for len(rec) < len(header) {
			rec = append(rec, "")
		}
		t.Rows = append(t.Rows, rec)
	}
	return t, nil
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
