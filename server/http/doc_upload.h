/* The streamed document upload of a request (multipart/form-data), for the API and the
 * page alike: the chunk callback spools the body as it arrives (memory, then an unlinked
 * temporary file, within the route's cap); once it is complete the upload of
 * service/documents.h starts (the case checked, a connection and transaction taken), the
 * spooled body runs through the multipart parser (http/multipart.h sniffs the file's type)
 * into it, and it decides and commits. A client that stalls or trickles therefore holds no
 * database connection (issue 18 item 6). Refusals are answered at the end, since
 * libmicrohttpd (0.9.75) cannot queue a reply in the middle of a body. The spool and the
 * upload live in r->state: a request that ends early frees them, so nothing is stored. */
#ifndef GK_HTTP_DOC_UPLOAD_H
#define GK_HTTP_DOC_UPLOAD_H

#include "http/request.h"
#include "service/service.h"

/* The route's chunk callback (r->params[0]: the case). */
bool gk_http_doc_upload_chunk(gk_request *r, const char *data, size_t size);
/* At the end of the body: the outcome of the upload (201 with the document on success). */
void gk_http_doc_upload_end(gk_request *r, gk_outcome *out);

#endif
