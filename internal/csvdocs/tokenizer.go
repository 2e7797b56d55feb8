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
//
// The current record stays in buf and ends, reused from one record to the
// next: reading a file allocates no more than its longest record, whatever
// its shape, and a record may hold at most maxFields fields.
type tokenizer struct {
	data      []byte
	pos       int
	line      int    // lines consumed so far
	buf       []byte // the current record's fields, end to end
	ends      []int  // where each field ends in buf
	maxFields int    // 0: no limit
}

type tokState int

const (
	startField tokState = iota
	inField
	inQuoted
	quoteInQuoted
)

// next reads the next record, which field and fields then return, and
// returns the line it starts on, or io.EOF.
func (t *tokenizer) next() (line int, err error) {
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
			return 0, io.EOF
		}
		if d[i] == '\n' || d[i] == '\r' {
			t.pos = i
			t.endLine()
			continue
		}
		if i > t.pos {
			t.add(d[t.pos:i]...)
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
					t.add('"')
					state = inQuoted
				}
			case ',':
				if err := t.endField(line); err != nil {
					return 0, err
				}
				state = startField
			case '\n', '\r':
				t.endLine()
				return line, t.endField(line)
			default:
				t.add(c)
				state = inField
			}
			t.pos++
		case inField:
			// Copy the run of plain bytes at once.
			i := t.pos
			for i < len(d) && d[i] != ',' && d[i] != '\n' && d[i] != '\r' {
				i++
			}
			t.add(d[t.pos:i]...)
			t.pos = i
			if i == len(d) {
				break
			}
			if d[i] == ',' {
				if err := t.endField(line); err != nil {
					return 0, err
				}
				state = startField
				t.pos++
				break
			}
			t.endLine()
			return line, t.endField(line)
		case inQuoted:
			i := t.pos
			for i < len(d) && d[i] != '"' && d[i] != '\n' && d[i] != '\r' {
				i++
			}
			t.add(d[t.pos:i]...)
			t.pos = i
			if i == len(d) {
				break
			}
			t.pos++
			switch d[i] {
			case '"':
				state = quoteInQuoted
			case '\n':
				t.add('\n')
				t.line++
			case '\r':
				t.add('\r')
				if t.pos == len(d) || d[t.pos] != '\n' {
					t.line++
				}
			}
		}
	}
	if state == inQuoted {
		return 0, fmt.Errorf("%w: EOF inside a quoted field starting in line %d", ErrMalformed, quoteLine)
	}
	return line, t.endField(line)
}

// endLine consumes the line end at t.pos: "\n", "\r\n" or "\r".
func (t *tokenizer) endLine() {
	t.line++
	if t.data[t.pos] == '\r' && t.pos+1 < len(t.data) && t.data[t.pos+1] == '\n' {
		t.pos++
	}
	t.pos++
}

// add appends b to the current record, doubling buf when it is full (the
// runtime's append grows large slices by a quarter, which would allocate
// about five times the longest record over its growth).
func (t *tokenizer) add(b ...byte) {
	if len(t.buf)+len(b) > cap(t.buf) {
		nb := make([]byte, len(t.buf), max(2*cap(t.buf), len(t.buf)+len(b), 64))
		copy(nb, t.buf)
		t.buf = nb
	}
	t.buf = append(t.buf, b...)
}

// endField ends the current field of the record that starts on line.
func (t *tokenizer) endField(line int) error {
	if t.maxFields > 0 && len(t.ends) == t.maxFields {
		return &TooManyColumnsError{Line: line, Limit: t.maxFields}
	}
	t.ends = append(t.ends, len(t.buf))
	return nil
}

// fields returns the number of fields of the current record.
func (t *tokenizer) fields() int { return len(t.ends) }

// field returns field i of the current record, valid until the next call
// of next.
func (t *tokenizer) field(i int) []byte {
	start := 0
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.buf[start:t.ends[i]]
}
