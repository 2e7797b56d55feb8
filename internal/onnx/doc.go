// Package onnx embeds texts with a BERT-style sentence-transformers model
// (all-MiniLM-L6-v2 by default) run by ONNX Runtime through
// github.com/yalue/onnxruntime_go.
//
// It does what sentence-transformers does for that model:
//
//  1. Tokenise with the model's tokenizer.json (package wordpiece), [CLS] and
//     [SEP] around the text, at most MaxTokens (256, the model's
//     max_seq_length) tokens in all.
//  2. Sort the texts by length and cut them into batches, so that each batch
//     is padded only to its own longest text; results go back in input order.
//  3. Run the model on input_ids, attention_mask and token_type_ids (int64,
//     [batch, tokens]; the model may lack the last two).
//  4. Mean-pool last_hidden_state over the attention mask and scale to unit
//     length (the Pooling and Normalize modules of the model's
//     sentence-transformers pipeline). An export with a sentence_embedding
//     output (already pooled) is used as is, then normalised. pooler_output
//     (BERT's tanh layer on [CLS]) is never used: sentence-transformers does
//     not use it either.
//
// ONNX Runtime is a C library loaded at run time (make ort puts it in
// third_party/onnxruntime/lib); its version must match the C API that
// onnxruntime_go was built for (1.24.x for onnxruntime_go v1.27.0). The
// runtime environment is shared by the whole process and made by the first
// New. Device "cuda" appends the CUDA execution provider, which needs the
// GPU build of ONNX Runtime (make ort ORT_FLAVOR=gpu) and a CUDA 12 host.
package onnx
