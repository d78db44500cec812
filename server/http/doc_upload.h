/* The streamed document upload of a request (multipart/form-data), for the API and the
 * page alike: the chunk callback parses the body (http/multipart.h sniffs the file's type)
 * and hands the file's bytes to the upload of service/documents.h, which decides and
 * commits. A refusal found while the body streams is kept and given at the end, since
 * libmicrohttpd (0.9.75) cannot queue a reply in the middle of a body. The upload lives in
 * r->state: a request that ends early frees it unfinished, so nothing is stored. */
#ifndef GK_HTTP_DOC_UPLOAD_H
#define GK_HTTP_DOC_UPLOAD_H

#include "http/request.h"
#include "service/service.h"

/* The route's chunk callback (r->params[0]: the case). */
bool gk_http_doc_upload_chunk(gk_request *r, const char *data, size_t size);
/* At the end of the body: the outcome of the upload (201 with the document on success). */
void gk_http_doc_upload_end(gk_request *r, gk_outcome *out);

#endif
