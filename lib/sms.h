/*
 * Phone verification providers (user-api.md §5.10, §6.9), chosen by
 * phone_verification:
 *
 *   mock           sends nothing; any code is accepted (the caller has
 *                  already checked that the user owns the number)
 *   file           writes each message to a file in phone_sms_dir
 *   command        runs phone_command "+<digits>" "<text>" (no shell)
 *   twilio_sms     Twilio's Messages API from twilio_phone_number
 *   twilio_verify  Twilio Verify: Twilio makes, sends and checks the code
 *
 * file, command and twilio_sms send sms_content_template with {{code}}
 * replaced, and accept exactly the stored code (constant-time).  Nothing
 * here logs a code, a message text or a number.
 */
#ifndef BARONG_SMS_H
#define BARONG_SMS_H

#include <stddef.h>

struct req;

/* Check the provider's configuration, set up libcurl.  0 or -1 (logged). */
int		 sms_start(void);
/*
 * Send the code to +<digits> over channel ("sms" or "call"; only Twilio
 * Verify calls).  0, or -1 with r->err: 422 resource.phone.<reason> when
 * Twilio refuses (sms_twilio_error), 500 for any other failure.
 */
int		 sms_send(struct req *, const char *digits, const char *code,
		    const char *channel);
/*
 * Does the provider accept code for +<digits>?  stored is the code kept
 * with the phone.  1 yes, 0 no, -1 with r->err as sms_send.
 */
int		 sms_verify(struct req *, const char *digits,
		    const char *stored, const char *code);
/* Does the provider compare the stored code (file, command, twilio_sms)? */
int		 sms_checks_stored_code(void);
/* Barong's code for a Twilio error code (twilio_dictionary_error). */
const char	*sms_twilio_error(long code);
/* sms_content_template with every {{code}} replaced, in the arena. */
char		*sms_text(struct req *, const char *code);

#endif
