package llm

import (
	"strings"
	"unicode"
)

// systemPrompt is the <<SYS>> part of the original's prompt templates.
const systemPrompt = "You are a helpful, respectful and honest assistant in Topic Modeling. " +
	"Always answer as helpfully as possible, while being safe. " +
	"Your answers should not include any harmful, unethical, racist, sexist, toxic, dangerous, or illegal content. " +
	"Please ensure that your responses are socially unbiased and positive in nature."

// Prompt is the user message for one topic: the original's
// promp_template_topics_terms (with documents) or
// promp_template_topics_terms_no_docs (without), its typos fixed.
func Prompt(terms, docs []string, context, language string) string {
	var b strings.Builder
	b.WriteString("I have data about " + context + "\n\n")
	if len(docs) > 0 {
		b.WriteString("Within the data I have a topic that is described by the following keywords:\n")
		b.WriteString(strings.Join(terms, ", ") + "\n\n")
		b.WriteString("Here are some examples of documents in the topic:\n")
		b.WriteString(strings.Join(docs, " \n") + "\n\n")
		b.WriteString("Based on the keywords and documents in the topic, create a short label (3 words maximum) that summarizes best the topic.\n")
	} else {
		b.WriteString("I have a topic that is described by the following keywords:\n")
		b.WriteString(strings.Join(terms, ", ") + "\n\n")
		b.WriteString("Based on the keywords about the topic, create a short label (3 words maximum) that summarizes best the topic.\n")
	}
	b.WriteString("The topic is a large topic, the keywords may not be directly connected to each other. " +
		"Create a topic large enough to cover all the words it contains.\n\n")
	b.WriteString("Only give the name of the topic and nothing else in " + language + ".\n\n")
	b.WriteString("Topic Name:")
	return b.String()
}

// CleanName extracts the name from an answer as the original does (the text
// after "Topic Name:", surrounding quotes and a final period removed), and
// also keeps only its first line and drops typographic quotes.
func CleanName(answer string) string {
	s := answer
	if i := strings.Index(strings.ToLower(s), "topic name:"); i >= 0 {
		s = s[i+len("topic name:"):]
	}
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	for {
		t := strings.TrimSpace(strings.TrimFunc(s, func(r rune) bool {
			return strings.ContainsRune("\"'`“”‘’«»*", r)
		}))
		t = strings.TrimSuffix(t, ".")
		t = strings.TrimRightFunc(t, unicode.IsSpace)
		if t == s {
			return s
		}
		s = t
	}
}
