package terms

import (
	"strings"
	"unicode"
)

// French has no part-of-speech tagger here. A word is taken for a common
// noun from its context and its form, rules that favour precision:
//
//   - never a stop word, a number, a user handle or a capitalised word
//     inside a sentence (a proper noun, which spaCy tags PROPN, not NOUN);
//   - after a determiner ("le", "une", "des", "ces", "leur", ...), possibly
//     through preposed adjectives ("la grande maison"): a noun, unless the
//     determiner is an object pronoun after a subject ("il les voit");
//   - after a number ("trois jours", "200 salariés"): a noun;
//   - after a subject pronoun or a form of avoir or être: not a noun (a
//     verb or a past participle);
//   - after a preposition ("de", "pour", "sans", "en", ...): a noun unless
//     it looks like an infinitive ("de faire", "pour finir") or, after
//     "en", a present participle ("en partant");
//   - elsewhere: a noun only with a noun-forming suffix (-tion, -sion,
//     -isme, -ité; and -ance, -ence, -age, -ure, -esse, -eur, -iste, -ette
//     unless right after a noun, where French puts its adjectives).

var frenchDeterminers = wordSet(`le la les l' un une des du au aux ce cet cette
ces mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs chaque
quelques plusieurs certains certaines aucun aucune quel quelle quels quelles
tout toute tous toutes divers diverses différents différentes maints`)

var frenchPrepositions = wordSet(`de d' à en pour par sans avec sous sur contre
entre vers chez dans après avant pendant depuis selon malgré parmi envers
durant hors jusqu' comme`)

var frenchSubjects = wordSet(`je j' tu il elle on nous vous ils elles ne n' qui
qu' ça cela ce c'`)

// frenchAuxiliaries are forms of avoir and être, after which comes a past
// participle ("nous avons visité") more often than a noun.
var frenchAuxiliaries = wordSet(`ai as a avons avez ont suis es est sommes êtes
sont avais avait avions aviez avaient étais était étions étiez étaient aura
aurons auront sera serons seront été eu`)

var frenchNumerals = wordSet(`deux trois quatre cinq six sept huit neuf dix
onze douze treize quatorze quinze seize vingt vingts trente quarante
cinquante soixante cent cents mille million millions milliard milliards
dizaine dizaines centaine centaines`)

var frenchObjectDeterminers = wordSet(`le la les l' leur`)

var frenchPreposedAdjectives = wordSet(`grand grande grands grandes petit petite
petits petites nouveau nouvel nouvelle nouveaux nouvelles bon bonne bons
bonnes beau bel belle beaux belles vieux vieil vieille vieilles jeune jeunes
premier première premiers premières dernier dernière derniers dernières
autre autres même mêmes seul seule seuls seules meilleur meilleure meilleurs
meilleures mauvais mauvaise mauvaises gros grosse grosses haut haute hauts
hautes long longue longs longues vrai vraie vrais vraies faux fausse
fausses joli jolie jolis jolies principal principale principaux principales
ancien ancienne anciens anciennes double simple véritable véritables
prochain prochaine prochains prochaines second seconde seconds secondes
deuxième troisième nombreux nombreuses certain certaine énorme énormes
immense immenses large larges pauvre pauvres cher chère chers chères
excellent excellente excellents excellentes fameux fameuse propre propres`)

var frenchInfinitivesRe = wordSet(`faire dire être croire boire plaire taire
extraire distraire vivre suivre poursuivre survivre revivre lire élire
écrire décrire inscrire prescrire rire sourire conclure inclure exclure
coudre moudre résoudre mettre permettre promettre admettre soumettre
transmettre battre combattre débattre naître connaître reconnaître
paraître apparaître disparaître croître accroître`)

var frenchInfinitivesOir = wordSet(`voir avoir savoir pouvoir devoir recevoir
vouloir falloir valoir apercevoir concevoir décevoir percevoir prévoir revoir
asseoir émouvoir mouvoir pleuvoir`)

// Noun-forming suffixes: the strong ones hardly end adjectives, the weak
// ones are trusted only where an adjective is unlikely (not right after a
// noun, where French puts most adjectives).
var (
	frenchStrongSuffixes = []string{"tion", "sion", "isme", "ité"}
	frenchWeakSuffixes   = []string{"ance", "ence", "age", "ure", "esse", "eur", "iste", "ette"}
)

var frenchAdjectivesSuffixed = wordSet(`meilleur supérieur inférieur intérieur
extérieur majeur mineur antérieur postérieur ultérieur future pure obscure
dure sure sûre mûre sage large`)

// frenchInfinitiveLike reports whether w (lower case) has the form of an
// infinitive.
func frenchInfinitiveLike(w string) bool {
	switch {
	case frenchInfinitivesRe[w] || frenchInfinitivesOir[w]:
		return true
	case strings.HasSuffix(w, "er") && !strings.HasSuffix(w, "ier") && len(w) > 3:
		return true
	case strings.HasSuffix(w, "ir") && !strings.HasSuffix(w, "oir") && len(w) > 3:
		return true
	}
	for _, s := range []string{"ndre", "ttre", "uire", "aître", "oître", "crire"} {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// frenchNounSuffixed reports whether w (lower case) ends with a
// noun-forming suffix, a plural mark aside; weak suffixes count only when
// afterNoun is false.
func frenchNounSuffixed(w string, afterNoun bool) bool {
	w = strings.TrimSuffix(strings.TrimSuffix(w, "s"), "x")
	if frenchAdjectivesSuffixed[w] || len([]rune(w)) < 5 {
		return false
	}
	for _, s := range frenchStrongSuffixes {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	if afterNoun {
		return false
	}
	for _, s := range frenchWeakSuffixes {
		if strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}

// tagFrench marks the probable common nouns of a French sentence.
func tagFrench(s sentence) {
	for i := range s {
		t := &s[i]
		t.tag = "X"
		w := strings.ToLower(t.text)
		if !frenchCandidate(s, i, w) {
			continue
		}
		if frenchNounInContext(s, i, w) {
			t.tag, t.noun = "NOUN", true
			t.lemma = frenchSingular(w)
		}
	}
}

func frenchCandidate(s sentence, i int, w string) bool {
	t := s[i]
	if t.punct || t.mention || frenchStopwords[w] || frenchPreposedAdjectives[w] || frenchNumerals[w] || !hasLetter(w) || len([]rune(w)) < 2 || len([]rune(w)) > maxTermWordRunes {
		return false
	}
	if strings.HasSuffix(w, "'") { // an elided article or pronoun
		return false
	}
	first := []rune(t.text)[0]
	if i > 0 && unicode.IsUpper(first) && !isAllCaps(t.text) {
		return false // proper noun
	}
	return true
}

func frenchNounInContext(s sentence, i int, w string) bool {
	// the previous word, through preposed adjectives
	j := i - 1
	for j >= 0 && !s[j].punct && frenchPreposedAdjectives[strings.ToLower(s[j].text)] {
		j--
	}
	if j >= 0 && !s[j].punct {
		prev := strings.ToLower(s[j].text)
		switch {
		case frenchDeterminers[prev]:
			if frenchObjectDeterminers[prev] && j == i-1 && j > 0 && frenchSubjects[strings.ToLower(s[j-1].text)] {
				return false // "il les voit": a pronoun before a verb
			}
			return true
		case frenchPrepositions[prev]:
			if frenchInfinitiveLike(w) {
				return false
			}
			if prev == "en" && strings.HasSuffix(w, "ant") {
				return false
			}
			return true
		case frenchNumerals[prev] || isNumber(prev):
			return true // "trois jours", "200 salariés"
		case frenchSubjects[prev] || frenchAuxiliaries[prev]:
			return false // a verb or a past participle
		}
	}
	return frenchNounSuffixed(w, i > 0 && s[i-1].noun)
}

// isNumber reports whether w is made of digits and the separators of numbers.
func isNumber(w string) bool {
	digit := false
	for _, r := range w {
		switch {
		case unicode.IsDigit(r):
			digit = true
		case r != '.' && r != ',':
			return false
		}
	}
	return digit
}

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// isAllCaps reports whether w has at least two letters and no lower-case one.
func isAllCaps(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}
