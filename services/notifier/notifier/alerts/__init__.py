"""Public early warning: alerts drafted and approved by alert authorities, issued as
CAP 1.2 and handed to the mobile operators' cell broadcast centres."""
