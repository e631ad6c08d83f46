/* stream-keys: the JSON keys and values of the streams (monitor,
 * capture) that both the daemon, which writes them, and swofctl, which
 * reads them, must spell.  One spelling here, so the two cannot drift
 * (docs/protocol.md describes the lines). */
#ifndef SW_STREAM_KEYS_H
#define SW_STREAM_KEYS_H 1

/* Every line that is not a record of the stream: {"event": ...}. */
#define STREAM_KEY_EVENT "event"
#define STREAM_EVENT_END "END"   /* The last line: "reason" says why. */
#define STREAM_EVENT_LOST "LOST" /* A monitor fell behind: "n_lost". */
#define STREAM_KEY_REASON "reason"
#define STREAM_KEY_N_LOST "n_lost"
/* A monitor line's rendering as ovs-ofctl monitor prints it is under
 * PR_KEY_TEXT (printer.h), as every reply's text. */
/* The END reason of a capture that took the packets it asked for (the
 * only end a client counts as success). */
#define STREAM_END_COUNT_REACHED "packet count reached"

/* A capture's first reply: the port, whether it is a tunnel (raw IP
 * frames), the bytes kept of each frame. */
#define CAPTURE_KEY_PORT "port"
#define CAPTURE_KEY_TUNNEL "tunnel"
#define CAPTURE_KEY_SNAPLEN "snaplen"

#endif
