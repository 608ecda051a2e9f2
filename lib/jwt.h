/*
 * JSON Web Tokens as Barong makes and checks them: compact JWS, RS256
 * (ES256 when the configured key is a P-256 key), header exactly
 * {"alg":"RS256"}.  Keys are loaded once per process.  The algorithm is
 * pinned to the key's: "none", HS256 and every other value in a token's
 * header are refused before any signature math.
 */
#ifndef BARONG_JWT_H
#define BARONG_JWT_H

#include <time.h>
#include <json-c/json.h>

struct arena;

int		 jwt_keys_load(const char *private_pem_path,
		    const char *public_pem_path, char *err, size_t errlen);
void		 jwt_keys_free(void);
const char	*jwt_alg(void);
int		 jwt_set_expected(const char *iss, const char *aud);

char		*jwt_sign(struct arena *, json_object *claims);

/* Claims returned through claims_out are owned by the arena. */
int		 jwt_verify(struct arena *, const char *token,
		    const char *expect_sub, json_object **claims_out,
		    const char **reason);
int		 jwt_verify_bearer(struct arena *, const char *token,
		    json_object **claims_out);
const char	*jwt_bearer_token(struct arena *, const char *authorization);

json_object	*jwt_base_claims(time_t now, long ttl, const char *sub);
json_object	*jwt_session_claims(time_t now, long ttl, const char *uid,
		    const char *email, const char *role, long level,
		    const char *state, const long long *referral_id,
		    const char *username, int is_service_account);

#endif
