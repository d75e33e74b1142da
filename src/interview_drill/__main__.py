from interview_drill.cli import main

main()
