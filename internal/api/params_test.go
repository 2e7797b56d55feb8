package api

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestFlexIntAccepts(t *testing.T) {
	for _, in := range []string{`7`, `"7"`, `" 7 "`, `7.0`, `"7.0"`, `7e0`, `"0.7e1"`} {
		var n flexInt
		if err := json.Unmarshal([]byte(in), &n); err != nil || n != 7 {
			t.Errorf("%s: %d, %v; want 7", in, n, err)
		}
	}
	var n flexInt
	if err := n.UnmarshalText([]byte(" -3 ")); err != nil || n != -3 {
		t.Errorf("text -3: %d, %v", n, err)
	}
}

func TestFlexIntRejects(t *testing.T) {
	for in, want := range map[string]string{
		`"ten"`:    `must be an integer, got "ten"`,
		`7.5`:      `must be an integer, got "7.5"`,
		`""`:       `must be an integer, got ""`,
		`true`:     `must be an integer, got a boolean`,
		`[1]`:      `must be an integer, got a list`,
		`{}`:       `must be an integer, got an object`,
		`1e10`:     `must be an integer, got "1e10"`,
		`"NaN"`:    `must be an integer, got "NaN"`,
		`"0x10"`:   `must be an integer, got "0x10"`,
		`"1,000"`:  `must be an integer, got "1,000"`,
		`"7 apes"`: `must be an integer, got "7 apes"`,
	} {
		n := flexInt(5)
		err := json.Unmarshal([]byte(in), &n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error %q", in, err, want)
		}
		if n != 5 {
			t.Errorf("%s: value changed to %d on error", in, n)
		}
	}
}

func TestFlexFloat(t *testing.T) {
	for in, want := range map[string]float64{`0.5`: 0.5, `"0.5"`: 0.5, `" 2 "`: 2, `3`: 3, `"-1e-3"`: -1e-3} {
		var f flexFloat
		if err := json.Unmarshal([]byte(in), &f); err != nil || float64(f) != want {
			t.Errorf("%s: %g, %v; want %g", in, f, err, want)
		}
	}
	for in, want := range map[string]string{
		`"big"`:   `must be a number, got "big"`,
		`"NaN"`:   `must be a number, got "NaN"`,
		`"Inf"`:   `must be a number, got "Inf"`,
		`1e999`:   `must be a number, got "1e999"`,
		`false`:   `must be a number, got a boolean`,
		`[0.5]`:   `must be a number, got a list`,
		`{"a":1}`: `must be a number, got an object`,
	} {
		var f flexFloat
		if err := json.Unmarshal([]byte(in), &f); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error %q", in, err, want)
		}
	}
}

func TestFlexBool(t *testing.T) {
	for in, want := range map[string]bool{
		`true`: true, `false`: false, `1`: true, `0`: false,
		`"true"`: true, `"TRUE"`: true, `"False"`: false, `"1"`: true, `"0"`: false,
		`"yes"`: true, `"No"`: false, `"on"`: true, `"OFF"`: false, `" t "`: true, `"f"`: false,
	} {
		v := flexBool(!want)
		if err := json.Unmarshal([]byte(in), &v); err != nil || bool(v) != want {
			t.Errorf("%s: %v, %v; want %v", in, v, err, want)
		}
	}
	for in, want := range map[string]string{
		`"maybe"`: "must be a boolean (true, false, 1 or 0), got a string",
		`2`:       "must be a boolean (true, false, 1 or 0), got a number",
		`1.0`:     "must be a boolean (true, false, 1 or 0), got a number",
		`[true]`:  "must be a boolean (true, false, 1 or 0), got a list",
		`{}`:      "must be a boolean (true, false, 1 or 0), got an object",
	} {
		var v flexBool
		if err := json.Unmarshal([]byte(in), &v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want an error %q", in, err, want)
		}
	}
	// The forms quote what they got.
	var v flexBool
	if err := v.UnmarshalText([]byte("maybe")); err == nil || err.Error() != `must be a boolean (true, false, 1 or 0), got "maybe"` {
		t.Errorf("text maybe: %v", err)
	}
	if err := v.UnmarshalText([]byte("Yes")); err != nil || !bool(v) {
		t.Errorf("text Yes: %v, %v", v, err)
	}
}

func TestFlexNullKeepsDefault(t *testing.T) {
	n, f, b, s := flexInt(3), flexFloat(0.25), flexBool(true), jsonString("auto")
	ns, ws := flexInts{1, 2}, wordList{"a"}
	for _, dst := range []json.Unmarshaler{&n, &f, &b, &s, &ns, &ws} {
		if err := json.Unmarshal([]byte(" null "), dst); err != nil {
			t.Errorf("%T: null: %v", dst, err)
		}
	}
	if n != 3 || f != 0.25 || !bool(b) || s != "auto" || !slices.Equal(ns, flexInts{1, 2}) || !slices.Equal(ws, wordList{"a"}) {
		t.Errorf("null changed a default: %v %v %v %q %v %v", n, f, b, s, ns, ws)
	}
}

func TestListsAndStrings(t *testing.T) {
	var ns flexInts
	if err := json.Unmarshal([]byte(`[1, "2", 3.0]`), &ns); err != nil || !slices.Equal(ns, flexInts{1, 2, 3}) {
		t.Errorf("ints: %v, %v", ns, err)
	}
	for in, want := range map[string]string{
		`[1, true]`: "[1]: must be an integer, got a boolean",
		`[1, null]`: "[1]: must be an integer, got null",
		`["x"]`:     "[0]: must be an integer, got a string",
		`3`:         "must be a list, got a number",
	} {
		var l flexInts
		if err := json.Unmarshal([]byte(in), &l); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ints %s: %v; want %q", in, err, want)
		}
	}
	var ws wordList
	if err := json.Unmarshal([]byte(`[" war ", "", "peace"]`), &ws); err != nil || !slices.Equal(ws, wordList{"war", "peace"}) {
		t.Errorf("words: %q, %v", ws, err)
	}
	if err := ws.UnmarshalText([]byte(" war, ,peace ,")); err != nil || !slices.Equal(ws, wordList{"war", "peace"}) {
		t.Errorf("form words: %q, %v", ws, err)
	}
	var s jsonString
	if err := json.Unmarshal([]byte(`3`), &s); err == nil || !strings.Contains(err.Error(), "must be a string, got a number") {
		t.Errorf("string 3: %v", err)
	}
}

// An object reports every wrong field under its full name, in field order.
func TestObjectReportsEveryField(t *testing.T) {
	var o object
	if err := json.Unmarshal([]byte(`{"ngrams": [1, false], "n_clusters": "x", "clean_topics": "maybe", "name_lenght": 4}`), &o); err != nil {
		t.Fatal(err)
	}
	var e errs
	p := o.topicParam(&e, "topic_param.")
	want := []string{
		`topic_param.n_clusters: must be an integer, got "x"`,
		`topic_param.ngrams[1]: must be an integer, got a boolean`,
		`topic_param.clean_topics: must be a boolean (true, false, 1 or 0), got a string`,
	}
	for i, w := range want {
		if i >= len(e) || !strings.HasPrefix(e[i], w) {
			t.Errorf("errors %q; want %q first", e, want)
			break
		}
	}
	if p.NameLength != 4 {
		t.Errorf("name_lenght read as %d, want 4", p.NameLength)
	}
}
