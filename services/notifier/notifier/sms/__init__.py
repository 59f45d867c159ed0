"""SMS over SMPP 3.4 to the operators' SMS centre, with delivery receipts."""
