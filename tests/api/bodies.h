/* Request bodies shared by several scenario files. */
#ifndef HT_BODIES_H
#define HT_BODIES_H

/* The facts of equipment that Article 34-10 covers (a router with a WAN port, remote admin). */
#define FACTS_ALL_HOLD                                                                             \
    "{\"directly_connectable\": true, \"data_transmission_facility\": true,"                       \
    " \"uses_ip\": true, \"remotely_configurable\": true,"                                         \
    " \"user_installable_security_software\": false}"

/* A valid determination request filed on `date` (YYYY-MM-DD) with these facts. */
#define DETERMINATION(facts, date)                                                                 \
    "{\"facts\": " facts ", \"filing_date\": \"" date "\", \"opt_in_rule_set\": null}"

/* The route cap of POST /api/v1/determinations (api.md: JSON bodies up to 64 KiB). */
#define DETERMINATION_BODY_CAP 65536

#endif
