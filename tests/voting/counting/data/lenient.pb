meta
key;value
description;Seeb neighbourhood budget: lower-case sections, extra columns, None cells
country;Oman
unit;Seeb
num_projects;3
num_votes;10
budget;100,0
vote_type;approval
min_length;1
rule;greedy

projects
project_id;cost;name;category;votes;selected;target
park;50;"Park; shaded seating";None;6;1;families
library;50.00;Library;culture;6;1;None
clinic;40;None;health;4;0;elderly

votes
voter_id;vote;age;sex
v01;park,library;34;F
v02;library,park;29;M
v03;park, library;41;F
v04;park,library;52;M
v05;park,library;23;F
v06;park,library;37;M
v07;clinic;61;M
v08;clinic;58;F
v09;clinic;44;None
v10;clinic
