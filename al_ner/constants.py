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
ANNOTATOR_ID = "_annotator_id"
TIMESTAMP = "_timestamp"

FLAGGED = "flagged"  # an answer the annotator marked for a second look (the flag key)
OPTIONS = "options"  # the choices of a "choice" task (ner.eval-ab)
SELECTED = "accept"  # the ids of the options chosen, as Prodigy's choice view saves them
VERSIONS = "versions"  # the answers a "review" task merges, each with the sessions that gave it

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

# Prodigy's defaults for which keys identify the input and the question, and which keys its
# hash leaves out at every depth (so a span's score or source never changes a task's hash)
INPUT_KEYS = ("text", "image", "html", "input")
TASK_KEYS = ("spans", "label", "options", "arcs")
HASH_IGNORE_KEYS = ("score", "rank", "model", "source", "pattern", "priority", "path",
                    "_view_id", "_session_id", "_annotator_id", "answer")

# meta key of a subsequence question: the token range [start, end) the annotator is asked about
ASKED = "asked"
# meta keys of a question the adaptive strategy chose: which strategy (arm) picked it, and the
# chance that arm had of being drawn then (al_ner.strategies.adaptive)
ARM = "arm"
ARM_P = "arm_p"
# meta key marking a control question: a random sentence set aside before any selection and
# asked with full spans (the health check, al_ner.health)
CONTROL = "control"

# view ids
VIEW_NER = "ner"
VIEW_NER_MANUAL = "ner_manual"
VIEW_CHOICE = "choice"

# span group that data-to-spacy fills with rejected spans (spaCy's NER reads it)
INCORRECT_SPANS_KEY = "incorrect_spans"

DB_ENV_VAR = "AL_NER_DB"
