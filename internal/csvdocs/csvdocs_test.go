package csvdocs

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"slices"

	"github.com/bunkatopics/bunka-go/internal/testenv"
)

func TestRead(t *testing.T) {
	tests := []struct {
		desc   string
		in     string
		column string
		want   []string
	}{
		{"plain", "id,text\n1,hello\n2,world\n", "text", []string{"hello", "world"}},
		{"bom and crlf", "\ufeffid,text\r\n1,hello\r\n2,world\r\n", "text", []string{"hello", "world"}},
		{"quoted comma newline quote", "text,id\n\"a, b\nc \"\"d\"\"\",1\n", "text", []string{"a, b\nc \"d\""}},
		{"missing cells dropped", "id,text\n1,\n2,NaN\n3,ok\n4\n5,null\n", "text", []string{"ok"}},
		{"unnamed index column", ",text\n0,a\n1,b\n", "text", []string{"a", "b"}},
		{"bare quote in a field", "text\na 5\" screen\n", "text", []string{"a 5\" screen"}},
		{"blank lines skipped", "text\na\n\nb\n", "text", []string{"a", "b"}},
		{"whitespace-only lines skipped", "text\na\n  \t\nb\n", "text", []string{"a", "b"}},
		{"leading blanks kept in a field", "text,id\n  a,1\n", "text", []string{"  a"}},
		{"short rows padded", "id,text,x\n1,a\n2\n3,b,c\n", "text", []string{"a", "b"}},
		{"quote closed mid-field", "text\n\"a\"b\n", "text", []string{"ab"}},
		{"bare quote after a field", "text,id\nab\"c,1\n", "text", []string{"ab\"c"}},
		{"quoted field at EOF", "text\n\"a\nb\"", "text", []string{"a\nb"}},
		{"cr line ends", "id,text\r1,a\r2,b", "text", []string{"a", "b"}},
		{"crlf kept inside quotes", "text\r\n\"a\r\nb\"\r\n", "text", []string{"a\r\nb"}},
		{"empty header cell selectable as Unnamed", ",text\nx,a\n", "Unnamed: 0", []string{"x"}},
		{"second of two same-named columns", "text,text\na,b\n", "text.1", []string{"b"}},
		{"implicit index column", "text,id\n0,a,1\n1,b,2\n2,c\n", "text", []string{"a", "b", "c"}},
		{"last field empty at EOF", "id,text\n1,", "text", nil},
	}
	for _, tc := range tests {
		got, err := Read(strings.NewReader(tc.in), tc.column, 0)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %q, want %q", tc.desc, got, tc.want)
		}
	}
}

func TestReadErrors(t *testing.T) {
	_, err := Read(strings.NewReader("a,b\n1,2\n"), "text", 0)
	var ce *ColumnError
	if !errors.As(err, &ce) || !errors.Is(err, ErrColumnNotFound) || !slices.Equal(ce.Columns, []string{"a", "b"}) {
		t.Errorf("missing column: got %v", err)
	}
	if !strings.Contains(err.Error(), `"a" "b"`) {
		t.Errorf("message %q does not name the columns", err)
	}
	_, err = Read(strings.NewReader("text\na\nb\nc\n"), "text", 2)
	var te *TooManyRowsError
	if !errors.As(err, &te) || te.Limit != 2 || !errors.Is(err, ErrTooManyRows) {
		t.Errorf("too many rows: got %v", err)
	}
	if _, err := Read(strings.NewReader("text\na\nb\n"), "text", 2); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	_, err = Read(strings.NewReader("text\n\xff\xfe\n"), "text", 0)
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("invalid UTF-8: got %v", err)
	}
	_, err = Read(strings.NewReader(""), "text", 0)
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("empty: got %v", err)
	}
}

func TestReadMalformed(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		want string // in the message
	}{
		{"unterminated quote", "text\n\"abc\n", "EOF inside a quoted field starting in line 2"},
		{"unterminated quote after rows", "id,text\n1,a\n2,\"b\n3,c\n", "EOF inside a quoted field starting in line 3"},
		{"unterminated quote in the header", "\"text\n", "EOF inside a quoted field starting in line 1"},
		{"too many fields", "id,text\n1,a\n2,b,c\n", "expected 2 fields in line 3, saw 3"},
		{"too many fields after a quoted newline", "id,text\n1,\"a\nb\"\n2,b,c,d\n", "expected 2 fields in line 4, saw 4"},
		{"too many fields after blank lines", "id,text\n\n1,a\n\n2,b,c\n", "expected 2 fields in line 5, saw 3"},
		{"too many fields past an implicit index", "id,text\n0,1,a\n1,2,b,c\n", "expected 3 fields in line 3, saw 4"},
		{"invalid UTF-8", "text\na\n\xff\xfe\n", "line 3 is not valid UTF-8"},
	}
	for _, tc := range tests {
		_, err := Read(strings.NewReader(tc.in), "text", 0)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want ErrMalformed with %q", tc.desc, err, tc.want)
		}
	}
}

func TestReadTooManyColumns(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		line int
	}{
		{"wide header", strings.Repeat(",", MaxColumns) + "\nx\n", 1},
		{"wide row", "text\n" + strings.Repeat(",", MaxColumns) + "\n", 2},
		{"wide row after others", "text\na\nb\n" + strings.Repeat("x,", MaxColumns) + "\n", 4},
	}
	for _, tc := range tests {
		_, err := Read(strings.NewReader(tc.in), "text", 0)
		var te *TooManyColumnsError
		if !errors.As(err, &te) || !errors.Is(err, ErrTooLarge) || te.Line != tc.line || te.Limit != MaxColumns {
			t.Errorf("%s: got %v, want a TooManyColumnsError for line %d", tc.desc, err, tc.line)
		}
	}
	at := strings.Repeat(",", MaxColumns-1) + "text\n" + strings.Repeat(",", MaxColumns-1) + "a\n"
	if got, err := Read(strings.NewReader(at), "text", 0); err != nil || !slices.Equal(got, []string{"a"}) {
		t.Errorf("at the limit: got %q, %v", got, err)
	}
}

func TestReadTableHeader(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		want []string
	}{
		{"plain", "a,b\n1,2\n", []string{"a", "b"}},
		{"empty cells named by index", ",a,,b,\n", []string{"Unnamed: 0", "a", "Unnamed: 2", "b", "Unnamed: 4"}},
		{"implicit index", "a,b\n0,1,2\n", []string{"a", "b"}},
		{"repeated names", "a,b,a,a\n", []string{"a", "b", "a.1", "a.2"}},
		{"repeated name beside its suffixed form", "a,a,a.1\n", []string{"a", "a.2", "a.1"}},
		{"empty cells stay apart", ",,\n", []string{"Unnamed: 0", "Unnamed: 1", "Unnamed: 2"}},
	}
	for _, tc := range tests {
		tab, err := ReadTable(strings.NewReader(tc.in), 0)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if !slices.Equal(tab.Header, tc.want) {
			t.Errorf("%s: header %q, want %q", tc.desc, tab.Header, tc.want)
		}
	}
	_, err := Read(strings.NewReader(",id\n0,1\n"), "text", 0)
	if err == nil || !strings.Contains(err.Error(), `"Unnamed: 0" "id"`) {
		t.Errorf("missing column: message %v does not list Unnamed: 0", err)
	}
}

func TestReadTweets(t *testing.T) {
	f, err := os.Open(testenv.DataFile(t, "tweets_463.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, err := Read(f, "text", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 463 {
		t.Errorf("got %d texts, want 463", len(got))
	}
}

func BenchmarkReadTable(b *testing.B) {
	data, err := os.ReadFile(testenv.DataFile(b, "debian_en_10k.csv"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		if _, err := ReadTable(bytes.NewReader(data), 0, "text"); err != nil {
			b.Fatal(err)
		}
	}
}
