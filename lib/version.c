#include "config.h"

#include "build-info.h"
#include "version.h"

json_object *
version_json(void)
{
	json_object	*o = json_object_new_object();

	json_object_object_add(o, "git_tag",
	    json_object_new_string(BARONG_API_VERSION));
	json_object_object_add(o, "git_sha",
	    json_object_new_string(BARONG_GIT_SHA));
	json_object_object_add(o, "build_date",
	    json_object_new_string(BARONG_BUILD_DATE));
	json_object_object_add(o, "version",
	    json_object_new_string(BARONG_API_VERSION));
	return o;
}
