/* Payload of EV_WSMAN_REQUEST and EV_WSMAN_RESPONSE: one SOAP envelope
 * (WS-Management over SOAP 1.2, or Intel's legacy SOAP 1.1 "EOI" calls)
 * carried in an HTTP body. Built by dissectors/wsman.c, emitted by
 * dissectors/http.c. Strings live in the event's arena. */
#ifndef AMT_EV_WSMAN_H
#define AMT_EV_WSMAN_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct wsman_kv {
	const char *name, *value;
} wsman_kv;

/* A property of a class instance in the body (Get/Pull/Put), or a
 * parameter of an extrinsic method (<Method>_INPUT / _OUTPUT). Values of
 * secret-looking names (passwords, OTP, PSK, keys) are "<redacted>" unless
 * redaction is off. */
typedef struct wsman_prop {
	const char *cls;       /* "AMT_GeneralSettings" */
	const char *name;      /* "HostName" */
	const char *value;
	uint16_t instance;     /* 0-based index of the instance in the body */
	const char *instance_id;  /* InstanceID of that instance, or NULL */
} wsman_prop;

typedef struct ev_wsman {
	unsigned soap_version;     /* 11 or 12 */
	bool wsman;                /* WS-Management: a ResourceURI, or an Action in a WS-Man namespace
				    * (transfer, enumeration, eventing, DMTF/Intel WS-CIM), or AMT's
				    * legacy SOAP; else plain SOAP (EV_SOAP_*) */
	bool legacy;               /* SOAP 1.1 EOI interface (AMT 2.x-8.x) */
	const char *action;        /* wsa:Action, or the SOAPAction header */
	const char *operation;     /* last segment of the action: "Get", "PullResponse", "CommitChanges" */
	const char *to, *resource_uri, *message_id, *relates_to;
	const char *class_name;    /* from ResourceURI (or the legacy service): "AMT_GeneralSettings" */
	const char *method;        /* extrinsic or legacy method: "CommitChanges", "GetSystemPowerState" */
	const char *body_element;  /* local name of the Body's first child */
	const char *body_ns;
	wsman_kv *selectors;
	size_t nselectors;
	wsman_kv *options;
	size_t noptions;
	wsman_prop *props;
	size_t nprops;
	/* method results */
	bool has_return;
	uint32_t return_value;
	const char *return_name;   /* method-specific name, else PT_STATUS name */
	/* SOAP fault */
	bool fault;
	const char *fault_code, *fault_subcode;  /* qualified names as sent: "a:Sender", "e:AlreadyExists" */
	const char *fault_subcode_local;         /* "AlreadyExists" */
	const char *fault_reason, *fault_detail;
	bool has_amt_status;       /* Detail "AMT-STATUS <n>" */
	uint32_t amt_status;
	const char *amt_status_name;
	bool incomplete;           /* parsing stopped early (malformed, limit) */
	/* from the carrying HTTP message */
	const char *http_uri;
	unsigned http_status;      /* responses */
	/* responses: the request this answers, when it was WS-Man too */
	bool has_request;
	uint32_t request_frame;
	const char *req_action, *req_operation, *req_class, *req_method;
} ev_wsman;

/* True when the envelope reports a failure: a fault, a non-zero
 * ReturnValue, or a non-zero AMT-STATUS. */
static inline bool wsman_failed(const ev_wsman *w)
{
	return w->fault || (w->has_return && w->return_value != 0) ||
	       (w->has_amt_status && w->amt_status != 0);
}

#endif
