package csvdocs

import (
	"bufio"
	"fmt"
	"io"
)

// tokenizer splits a CSV stream into records the way the C tokenizer of
// pandas.read_csv does with its defaults: comma separators, '"' quotes with
// "" for a quote inside a quoted field, '\n', '\r\n' and '\r' ending a
// record, blank and whitespace-only lines skipped. A quote inside an
// unquoted field is text; text after the closing quote of a quoted field
// is appended to it ("a"b reads ab).
type tokenizer struct {
	r    *bufio.Reader
	line int // lines consumed so far
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
	var field []byte
	state := startField
	// Skip blank and whitespace-only lines; a line that starts with blanks
	// and holds more reads them as the start of its first field.
	for {
		c, err := t.r.ReadByte()
		if err != nil {
			return nil, 0, err
		}
		if c == '\n' || c == '\r' {
			t.endLine(c)
			continue
		}
		if c == ' ' || c == '\t' {
			field = append(field[:0], c)
			for {
				c, err = t.r.ReadByte()
				if err != nil || c != ' ' && c != '\t' {
					break
				}
				field = append(field, c)
			}
			if err == io.EOF {
				return nil, 0, io.EOF
			}
			if err != nil {
				return nil, 0, err
			}
			if c == '\n' || c == '\r' {
				t.endLine(c)
				continue
			}
			state = inField
		}
		t.r.UnreadByte()
		break
	}
	line = t.line + 1
	quoteLine := 0
	for {
		c, err := t.r.ReadByte()
		if err == io.EOF {
			if state == inQuoted {
				return nil, 0, fmt.Errorf("%w: EOF inside a quoted field starting in line %d", ErrMalformed, quoteLine)
			}
			return append(rec, string(field)), line, nil
		}
		if err != nil {
			return nil, 0, err
		}
		switch state {
		case startField:
			switch c {
			case '"':
				state, quoteLine = inQuoted, t.line+1
			case ',':
				rec = append(rec, "")
			case '\n', '\r':
				t.endLine(c)
				return append(rec, ""), line, nil
			default:
				field, state = append(field[:0], c), inField
			}
		case inField:
			switch c {
			case ',':
				rec, field, state = append(rec, string(field)), field[:0], startField
			case '\n', '\r':
				t.endLine(c)
				return append(rec, string(field)), line, nil
			default:
				field = append(field, c)
			}
		case inQuoted:
			if c == '"' {
				state = quoteInQuoted
				break
			}
			field = append(field, c)
			if c == '\n' {
				t.line++
			} else if c == '\r' {
				if b, err := t.r.Peek(1); err != nil || b[0] != '\n' {
					t.line++
				}
			}
		case quoteInQuoted:
			switch c {
			case '"':
				field, state = append(field, '"'), inQuoted
			case ',':
				rec, field, state = append(rec, string(field)), field[:0], startField
			case '\n', '\r':
				t.endLine(c)
				return append(rec, string(field)), line, nil
			default:
				field, state = append(field, c), inField
			}
		}
	}
}

// endLine counts the line that c ends, reading the '\n' of a "\r\n".
func (t *tokenizer) endLine(c byte) {
	t.line++
	if c == '\r' {
		if b, err := t.r.Peek(1); err == nil && b[0] == '\n' {
			t.r.Discard(1)
		}
	}
}
