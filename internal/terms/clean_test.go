package terms

import (
	"slices"
	"testing"
)

func TestClean(t *testing.T) {
	cases := []struct {
		desc, in, want string
	}{
		{desc: "curly quotes", in: "\u201cHello\u201d, he said \u2018quietly\u2019", want: `"Hello", he said 'quietly'`},
		{desc: "whitespace", in: "  a \t b\u00a0c\n\n\n d\u200b e  ", want: "a b c\nd e"},
		{desc: "hyphenated across a line break", in: "multi-\nline text", want: "multiline text"},
		{desc: "hyphenated across a space", in: "infor- mation", want: "information"},
		{desc: "compound kept", in: "a well-known e-mail", want: "a well-known e-mail"},
		{desc: "digits not joined", in: "covid-\n19 cases", want: "covid-\n19 cases"},
		{desc: "brackets with content", in: "the deal (signed today) [1] {x} holds", want: "the deal    holds"},
		{desc: "currency", in: "it costs $5 or €4", want: "it costs  5 or  4"},
		{desc: "html tags and entities", in: "<p>Fish &amp; <b>chips</b></p><!-- c -->", want: "Fish & chips"},
		{desc: "comparison is not a tag", in: "a < b and c > d", want: "a < b and c > d"},
		{desc: "emoji", in: "great day 😀🇺🇸👍🏽 ok ❤️", want: "great day  ok "},
		{desc: "urls and mails", in: "see https://t.co/xyz or www.x.org, mail a@b.com, nation!pic.twitter.com/abc and cnn.com/live", want: "see   or  , mail  , nation!  and  "},
		{desc: "url glued to the word before", in: "another episodehttps://t.co/AbC12 tonight", want: "another episode  tonight"},
		{desc: "www glued to the word before", in: "the monstrositywww.politi.co/ZlVTze.", want: "the monstrosity ."},
		{desc: "pic.twitter glued to a word", in: "AMERICApic.twitter.com/ge4Xic9fId", want: "AMERICA "},
		{desc: "http glued after a digit", in: "at 9pmhttp://bit.ly/x", want: "at 9pm "},
		{desc: "www as a word is no url", in: "awww. wwwhat", want: "awww. wwwhat"},
		{desc: "bullets", in: "• one\n• two", want: "- one\n- two"},
		{desc: "invalid utf-8", in: "bad\xff\xfebyte", want: "bad byte"},
		{desc: "empty", in: "", want: ""},
	}
	for _, c := range cases {
		if got := Clean(c.in); got != c.want {
			t.Errorf("%s: Clean(%q) = %q, want %q", c.desc, c.in, got, c.want)
		}
	}
}

func words(sents []sentence) [][]string {
	var out [][]string
	for _, s := range sents {
		var ws []string
		for _, tk := range s {
			w := tk.text
			if tk.mention {
				w = "@" + w
			}
			ws = append(ws, w)
		}
		out = append(out, ws)
	}
	return out
}

func TestTokenize(t *testing.T) {
	cases := []struct {
		desc   string
		in     string
		french bool
		want   [][]string
	}{
		{desc: "sentences and clitics", in: "The U.S. economy isn't bad. America's jobs!",
			want: [][]string{{"The", "U.S.", "economy", "is", "n't", "bad", "."}, {"America", "'s", "jobs", "!"}}},
		{desc: "numbers, hyphens, no space after period", in: "A 3.5% rise, 1,000 e-mails.Next",
			want: [][]string{{"A", "3.5", "%", "rise", ",", "1,000", "e-mails", "."}, {"Next"}}},
		{desc: "mentions", in: "thanks @ john and @mary: great",
			want: [][]string{{"thanks", "@", "@john", "and", "@", "@mary", ":", "great"}}},
		{desc: "french elision", in: "L'homme d'affaires aujourd'hui", french: true,
			want: [][]string{{"L'", "homme", "d'", "affaires", "aujourd'hui"}}},
		{desc: "titles do not end sentences", in: "Mr. Trump met Dr. Who. Then",
			want: [][]string{{"Mr.", "Trump", "met", "Dr.", "Who", "."}, {"Then"}}},
		{desc: "line breaks end sentences", in: "one\ntwo", want: [][]string{{"one"}, {"two"}}},
	}
	for _, c := range cases {
		got := words(tokenize(c.in, c.french))
		if !slices.EqualFunc(got, c.want, slices.Equal) {
			t.Errorf("%s: tokenize(%q) = %q, want %q", c.desc, c.in, got, c.want)
		}
	}
}

func TestSingular(t *testing.T) {
	en := map[string]string{
		"deals": "deal", "Countries": "country", "taxes": "tax", "churches": "church",
		"women": "woman", "buses": "bus", "houses": "house", "glass": "glass",
		"news": "news", "status": "status", "leaves": "leaf", "crisis": "crisis",
	}
	for in, want := range en {
		if got := englishSingular(in); got != want {
			t.Errorf("englishSingular(%q) = %q, want %q", in, got, want)
		}
	}
	fr := map[string]string{
		"accords": "accord", "journaux": "journal", "bateaux": "bateau", "jeux": "jeu",
		"pays": "pays", "Travaux": "travail", "prix": "prix", "maison": "maison",
	}
	for in, want := range fr {
		if got := frenchSingular(in); got != want {
			t.Errorf("frenchSingular(%q) = %q, want %q", in, got, want)
		}
	}
}
