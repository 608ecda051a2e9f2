/* Ending a FastCGI request without a lingering close (see fcgiend.h). */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <fcgiapp.h>

#include "fcgiend.h"

void
fcgi_end(FCGX_Request *fr, int input_read)
{
	char	trash[512];
	int	n = 0;

	if (input_read && fr->ipcFd > 0) {
		/*
		 * End the reply as FCGX_Finish_r() would (the last writer
		 * closed also writes FCGI_END_REQUEST).
		 */
		FCGX_FClose(fr->err);
		FCGX_FClose(fr->out);
		/* The empty FCGI_STDIN a web server may not have sent yet. */
		while (n++ < 16 && recv(fr->ipcFd, trash, sizeof(trash),
		    MSG_DONTWAIT) > 0)
			;
		FCGX_Detach(fr);
	}
	FCGX_Finish_r(fr);
}
