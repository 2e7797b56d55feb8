// Package llm names topics with a large language model behind an
// OpenAI-compatible chat-completions API (OpenAI, Azure-style proxies,
// Ollama, vLLM, ...), as the original's clean_topics option does
// (bunkatopics/topic_modeling/llm_topic_representation.py and
// prompt_generator.py).
//
// For each topic the model gets the topic's terms (the words of its
// term-based name, at most 10), optionally its top 3 documents, the context
// of the data ("everything" by default) and the language, and is asked for a
// label of at most 3 words. The answer is cleaned as the original does: the
// text after a "Topic Name:" prefix, surrounding quotes and a final period
// removed.
//
// The LLM never fails a job: one request per topic, a few at a time, each
// with a timeout and retried with exponential backoff on 429, 5xx and
// network errors; a topic whose request fails, times out or gets an empty
// answer keeps its term-based name and the log says why. One naming (a
// job names its topics, then its Bourdieu topics) has an overall time limit,
// 60 s by default (Options.TotalTimeout, BUNKA_LLM_TIMEOUT): when it passes,
// the topics not yet named keep their term-based names, so that a hanging
// endpoint cannot hold a job for minutes. Without an API key no request is
// made.
//
// The client is github.com/sashabaranov/go-openai: no dependencies of its
// own, a configurable base URL and organisation, and typed errors that carry
// the HTTP status our retry policy needs.
package llm
