package lang

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/abadojack/whatlanggo"
)

// Names of the languages that the terms stage treats specially.
const (
	English = "english"
	French  = "french"
)

// languages maps the original's language codes (langdetect's, keys of
// detect_language_to_spacy_model) to lower-case names, and whatlanggo's
// languages to the same codes.
var languages = []struct {
	code, name string
	wl         whatlanggo.Lang
}{
	{"ar", "arabic", whatlanggo.Arb},
	{"da", "danish", whatlanggo.Dan},
	{"de", "german", whatlanggo.Deu},
	{"el", "greek", whatlanggo.Ell},
	{"en", English, whatlanggo.Eng},
	{"es", "spanish", whatlanggo.Spa},
	{"fa", "persian", whatlanggo.Pes},
	{"fr", French, whatlanggo.Fra},
	{"it", "italian", whatlanggo.Ita},
	{"ja", "japanese", whatlanggo.Jpn},
	{"nl", "dutch", whatlanggo.Nld},
	{"no", "norwegian", whatlanggo.Nob},
	{"pl", "polish", whatlanggo.Pol},
	{"pt", "portuguese", whatlanggo.Por},
	{"ro", "romanian", whatlanggo.Ron},
	{"ru", "russian", whatlanggo.Rus},
	{"sv", "swedish", whatlanggo.Swe},
	{"tr", "turkish", whatlanggo.Tur},
	{"zh", "chinese", whatlanggo.Cmn},
}

var (
	byWhatlang = map[whatlanggo.Lang]string{}
	whitelist  = map[whatlanggo.Lang]bool{}
	byAlias    = map[string]string{}
)

func init() {
	for _, l := range languages {
		byWhatlang[l.wl] = l.name
		whitelist[l.wl] = true
		byAlias[l.code] = l.name
		byAlias[l.name] = l.name
	}
	// the original's other spellings: "zh-cn", "zh-tw", "Chinese Simplified", "nb"
	for alias, name := range map[string]string{
		"zh-cn": "chinese", "zh-tw": "chinese", "chinese simplified": "chinese",
		"chinese traditional": "chinese", "nb": "norwegian", "multilingual": "multilingual",
	} {
		byAlias[alias] = name
	}
}

// Normalize returns the lower-case name of a language given by name or
// code, in any case ("English", "en", "fr", "zh-cn"); "" for "", and the
// trimmed, lower-cased input for a language it does not know.
func Normalize(language string) string {
	l := strings.ToLower(strings.TrimSpace(language))
	if name, ok := byAlias[l]; ok {
		return name
	}
	return l
}

// Code returns the two-letter code of a language name or code ("en" for
// "english"), or "" when it is not one the original supports.
func Code(language string) string {
	name := Normalize(language)
	for _, l := range languages {
		if l.name == name {
			return l.code
		}
	}
	return ""
}

const (
	maxSample = 100  // documents Detect looks at
	maxBytes  = 2000 // bytes of each document it reads
)

// prefix returns s cut to at most n bytes, at a rune boundary.
func prefix(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Detect returns the name of the language of most of the texts ("english",
// "french", ...), judged from at most 100 of them taken at even intervals.
// A text whose language is uncertain (a tie between two languages) gives
// no vote; Detect returns "english" when no text gives one, and prefers
// English in a tie of votes.
func Detect(texts []string) string {
	if len(texts) == 0 {
		return English
	}
	step := max(1, len(texts)/maxSample)
	votes := make(map[string]int)
	opts := whatlanggo.Options{Whitelist: whitelist}
	for i := 0; i < len(texts) && i/step < maxSample; i += step {
		info := whatlanggo.DetectWithOptions(prefix(texts[i], maxBytes), opts)
		if info.Confidence <= 0 {
			continue
		}
		if name, ok := byWhatlang[info.Lang]; ok {
			votes[name]++
		}
	}
	best, bestVotes := English, votes[English]
	for _, l := range languages { // fixed order: ties go to the first listed after English
		if votes[l.name] > bestVotes {
			best, bestVotes = l.name, votes[l.name]
		}
	}
	return best
}

// Auto is the language value that asks for detection.
const Auto = "auto"

// Supported reports whether language is one that jobs accept: Auto, or a
// language known by name or code in any case ("English", "en", "zh-cn",
// "multilingual").
func Supported(language string) bool {
	l := strings.ToLower(strings.TrimSpace(language))
	_, ok := byAlias[l]
	return ok || l == Auto
}

// Names returns the names of the languages that Supported accepts, in
// alphabetical order, without Auto.
func Names() []string {
	seen := map[string]bool{}
	var names []string
	for _, name := range byAlias {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}
