"""Toilet renovation (改厕): the year's tasks, household toilets and public toilet projects through
acceptance and subsidy, and the follow-up (回头看) of problems after acceptance."""
