#ifndef BARONG_VERSION_H
#define BARONG_VERSION_H

#include <json-c/json.h>

/* The Barong API this implementation answers as (GET /version). */
#define BARONG_API_VERSION	"2.7.0"

/* {"git_tag","git_sha","build_date","version"} as Barong's /version. */
json_object	*version_json(void);

#endif
