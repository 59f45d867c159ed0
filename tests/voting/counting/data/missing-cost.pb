META
key;value
description;A projects section without the cost column
num_projects;1
num_votes;1
budget;100
vote_type;approval
PROJECTS
project_id;name
1;Walking track
VOTES
voter_id;vote
1;1
