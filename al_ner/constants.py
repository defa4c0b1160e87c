"""Key names and answer values of the Prodigy task schema, in one place."""

TEXT = "text"
TOKENS = "tokens"
SPANS = "spans"
META = "meta"
LABEL = "label"
ANSWER = "answer"
SCORE = "score"
INPUT_HASH = "_input_hash"
TASK_HASH = "_task_hash"
VIEW_ID = "_view_id"
SESSION_ID = "_session_id"
TIMESTAMP = "_timestamp"

# span and token keys
START = "start"
END = "end"
TOKEN_START = "token_start"
TOKEN_END = "token_end"
ID = "id"
WS = "ws"

ACCEPT = "accept"
REJECT = "reject"
IGNORE = "ignore"
ANSWERS = (ACCEPT, REJECT, IGNORE)

# Prodigy's defaults for which keys identify the input and the question
INPUT_KEYS = ("text", "image", "html", "input")
TASK_KEYS = ("spans", "label", "options", "audio_spans")

# view ids
VIEW_NER = "ner"
VIEW_NER_MANUAL = "ner_manual"

# span group that data-to-spacy fills with rejected spans (spaCy's NER reads it)
INCORRECT_SPANS_KEY = "incorrect_spans"

DB_ENV_VAR = "AL_NER_DB"
