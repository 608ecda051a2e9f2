/*
 * Ending a FastCGI request without libfcgi's lingering close.
 *
 * FCGX_Finish_r() closes a connection the web server does not keep with
 * shutdown(SHUT_WR) and then blocks reading until the web server closes
 * its end (up to 2 s), so that data the web server might still send
 * cannot make the close reset the connection.  Until the web server gets
 * round to closing, the worker accepts nothing: a worker's round trip
 * per request becomes two.  When the request's input has been read whole
 * nothing more can come, so fcgi_end() drains what is already buffered,
 * without waiting, and closes at once.
 */
#ifndef BARONG_FCGIEND_H
#define BARONG_FCGIEND_H

#include <fcgiapp.h>

/*
 * Finish fr like FCGX_Finish_r(); with input_read (the request's stdin
 * was read to its end, or the role has none), close without lingering.
 */
void	fcgi_end(FCGX_Request *fr, int input_read);

#endif
