package csvdocs

import (
	"errors"
	"os"
	"strings"
	"testing"

	"slices"
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

func TestReadTweets(t *testing.T) {
	f, err := os.Open("../../../shared/data/tweets_463.csv")
	if err != nil {
		t.Skip("shared data absent:", err)
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
