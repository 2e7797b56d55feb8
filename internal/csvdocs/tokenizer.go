package csvdocs

import (
	"fmt"
	"io"
)

// tokenizer splits CSV data into records the way the C tokenizer of
// pandas.read_csv does with its defaults: comma separators, '"' quotes with
// "" for a quote inside a quoted field, '\n', '\r\n' and '\r' ending a
// record, blank and whitespace-only lines skipped. A quote inside an
// unquoted field is text; text after the closing quote of a quoted field
// is appended to it ("a"b reads ab).
type tokenizer struct {
	data []byte
	pos  int
	line int    // lines consumed so far
	buf  []byte // the current record's fields, end to end
	ends []int  // where each field ends in buf
}

type tokState int

const (
	startField tokState = iota
	inField
	inQuoted
	quoteInQuoted
)

// next returns the next record and the line it starts on, or io.EOF.
func (t *tokenizer) next() (rec []string, line int, err error) {
	t.buf, t.ends = t.buf[:0], t.ends[:0]
	state := startField
	d := t.data
	// Skip blank and whitespace-only lines; a line that starts with blanks
	// and holds more reads them as the start of its first field.
	for {
		i := t.pos
		for i < len(d) && (d[i] == ' ' || d[i] == '\t') {
			i++
		}
		if i == len(d) {
			t.pos = i
			return nil, 0, io.EOF
		}
		if d[i] == '\n' || d[i] == '\r' {
			t.pos = i
			t.endLine()
			continue
		}
		if i > t.pos {
			t.buf = append(t.buf, d[t.pos:i]...)
			t.pos, state = i, inField
		}
		break
	}
	line = t.line + 1
	quoteLine := 0
	for t.pos < len(d) {
		c := d[t.pos]
		switch state {
		case startField, quoteInQuoted:
			switch c {
			case '"':
				if state == startField {
					state, quoteLine = inQuoted, t.line+1
				} else {
					t.buf, state = append(t.buf, '"'), inQuoted
				}
			case ',':
				t.ends, state = append(t.ends, len(t.buf)), startField
			case '\n', '\r':
				t.endLine()
				return t.record(), line, nil
			default:
				t.buf, state = append(t.buf, c), inField
			}
			t.pos++
		case inField:
			// Copy the run of plain bytes at once.
			i := t.pos
			for i < len(d) && d[i] != ',' && d[i] != '\n' && d[i] != '\r' {
				i++
			}
			t.buf = append(t.buf, d[t.pos:i]...)
			t.pos = i
			if i == len(d) {
				break
			}
			if d[i] == ',' {
				t.ends, state = append(t.ends, len(t.buf)), startField
				t.pos++
				break
			}
			t.endLine()
			return t.record(), line, nil
		case inQuoted:
			i := t.pos
			for i < len(d) && d[i] != '"' && d[i] != '\n' && d[i] != '\r' {
				i++
			}
			t.buf = append(t.buf, d[t.pos:i]...)
			t.pos = i
			if i == len(d) {
				break
			}
			t.pos++
			switch d[i] {
			case '"':
				state = quoteInQuoted
			case '\n':
				t.buf = append(t.buf, '\n')
				t.line++
			case '\r':
				t.buf = append(t.buf, '\r')
				if t.pos == len(d) || d[t.pos] != '\n' {
					t.line++
				}
			}
		}
	}
	if state == inQuoted {
		return nil, 0, fmt.Errorf("%w: EOF inside a quoted field starting in line %d", ErrMalformed, quoteLine)
	}
	return t.record(), line, nil
}

// endLine consumes the line end at t.pos: "\n", "\r\n" or "\r".
func (t *tokenizer) endLine() {
	t.line++
	if t.data[t.pos] == '\r' && t.pos+1 < len(t.data) && t.data[t.pos+1] == '\n' {
		t.pos++
	}
	t.pos++
}

// record ends the current field and returns the record's fields, which
// share one string.
func (t *tokenizer) record() []string {
	t.ends = append(t.ends, len(t.buf))
	s := string(t.buf)
	rec := make([]string, len(t.ends))
	start := 0
	for i, end := range t.ends {
		rec[i] = s[start:end]
		start = end
	}
	return rec
}
