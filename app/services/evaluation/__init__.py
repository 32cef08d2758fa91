"""好差评: the applicant's rating (rating), the 差评 closed loop (rectification), figures."""
